using System.Data.Common;
using Edge.Gateway.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway;

/// <summary>The gateway's exit codes (systemd and scripts tell the causes apart by them).</summary>
public static class GatewayExitCodes
{
    /// <summary>Stopped normally.</summary>
    public const int Ok = 0;

    /// <summary>Failed for a reason not listed below (the message says which).</summary>
    public const int Failed = 1;

    /// <summary>The configuration is wrong: bad values, missing files, a policy gap, a refused model, credentials or a CA the broker refuses.</summary>
    public const int Configuration = 2;

    /// <summary>Something the gateway needs at start could not be reached or opened (the database's disk or folder).</summary>
    public const int Unreachable = 3;
}

/// <summary>A setting or file the gateway cannot run with (e.g. a refused model); reported as a configuration problem.</summary>
public sealed class GatewayConfigurationException : Exception
{
    public GatewayConfigurationException()
    {
    }

    public GatewayConfigurationException(string message)
        : base(message)
    {
    }

    public GatewayConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A fatal start-up problem found by a hosted service after the host started (e.g. the broker refused the credentials).</summary>
public sealed class StartupFailure(IHostApplicationLifetime lifetime)
{
    private (int Code, string Message)? _failure;

    /// <summary>The first fatal problem reported, if any.</summary>
    public (int Code, string Message)? Failure => _failure;

    /// <summary>Records the problem and stops the gateway; <see cref="GatewayStartup"/> prints it and exits with <paramref name="exitCode"/>.</summary>
    public void Fail(int exitCode, string message)
    {
        _failure ??= (exitCode, message);
        lifetime.StopApplication();
    }
}

/// <summary>
/// Runs the gateway host and turns every start-up error into one clear message on stderr that lists all problems,
/// and a non-zero exit code (<see cref="GatewayExitCodes"/>), never a stack trace. Every options section is
/// validated before anything starts, so all bad values are reported together.
/// </summary>
public static class GatewayStartup
{
    private static volatile bool _starting;

    /// <summary>While true, the host's own "failed to start" log lines (with stack traces) are suppressed: the failure is reported here.</summary>
    internal static bool Starting => _starting;

    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        IHost host;
        HostApplicationBuilder builder;
        try
        {
            builder = GatewayHost.CreateBuilder(args);
            host = builder.Build();
        }
        catch (Exception e) when (Describe(e) is { } known)
        {
            return Report(error, known.Code, [known.Message]);
        }

        using (host)
        {
            // The database first: settings such as the escalation policy are checked against what it holds.
            var storage = ValidateOptions(builder.Services, host.Services, typeof(Storage.StorageOptions));
            if (storage.Count > 0)
            {
                return Report(error, GatewayExitCodes.Configuration, storage);
            }

            try
            {
                await host.Services.GetRequiredService<Storage.GatewayDatabase>().InitializeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException)
            {
                var path = host.Services.GetRequiredService<Storage.GatewayDatabase>().DatabasePath;
                return Report(error, GatewayExitCodes.Unreachable, [$"the database {path} cannot be opened or created: {e.Message} (check Storage:DatabasePath, the folder's permissions and the disk)"]);
            }

            var problems = ValidateOptions(builder.Services, host.Services);
            if (problems.Count > 0)
            {
                return Report(error, GatewayExitCodes.Configuration, problems);
            }

            _starting = true;
            try
            {
                await host.StartAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (Describe(e) is { } known)
            {
                await StopQuietlyAsync(host).ConfigureAwait(false);
                return Report(error, known.Code, [known.Message]);
            }
            finally
            {
                _starting = false;
            }

            await host.WaitForShutdownAsync().ConfigureAwait(false);
            return host.Services.GetRequiredService<StartupFailure>().Failure is { } failure
                ? Report(error, failure.Code, [failure.Message])
                : GatewayExitCodes.Ok;
        }
    }

    /// <summary>Resolves every options section the host registered and collects every validation failure.</summary>
    internal static List<string> ValidateOptions(IServiceCollection services, IServiceProvider provider, Type? only = null)
    {
        var types = services
            .Where(d => d.ServiceType.IsGenericType && (d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>) || d.ServiceType.GetGenericTypeDefinition() == typeof(IValidateOptions<>)))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("Edge.", StringComparison.Ordinal) == true && (only is null || t == only))
            .Distinct()
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var type in types)
        {
            try
            {
                var monitor = provider.GetRequiredService(typeof(IOptionsMonitor<>).MakeGenericType(type));
                _ = monitor.GetType().GetMethod(nameof(IOptionsMonitor<object>.Get))!.Invoke(monitor, [Options.DefaultName]);
            }
            catch (Exception e) when (Unwrap(e) is OptionsValidationException v)
            {
                foreach (var failure in v.Failures.SelectMany(f => f.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                {
                    var line = Readable(failure, v.OptionsType);
                    if (!problems.Contains(line))
                    {
                        problems.Add(line);
                    }
                }
            }
            catch (Exception e) when (Describe(Unwrap(e)) is { } known)
            {
                if (!problems.Contains(known.Message))
                {
                    problems.Add(known.Message);
                }
            }
        }

        return problems;
    }

    /// <summary>"DataAnnotation validation failed for 'IngestOptions' members: 'X' with the error: 'E'." as "Ingest:X: E".</summary>
    private static string Readable(string failure, Type optionsType)
    {
        var m = System.Text.RegularExpressions.Regex.Match(failure, "^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']*)' with the error: '(?<error>.*)'\\.?$");
        if (!m.Success)
        {
            return failure;
        }

        var section = optionsType.GetField("SectionName")?.GetValue(null) as string ?? optionsType.Name;
        return $"{section}:{m.Groups["member"].Value}: {m.Groups["error"].Value}";
    }

    /// <summary>What an exception means to a technician, and which exit code it gets; null for a bug (let it surface).</summary>
    internal static (int Code, string Message)? Describe(Exception e)
    {
        e = Unwrap(e);
        return e switch
        {
            OptionsValidationException v => (GatewayExitCodes.Configuration, string.Join("\n", v.Failures)),
            FileNotFoundException or DirectoryNotFoundException or InvalidDataException or GatewayConfigurationException => (GatewayExitCodes.Configuration, e.Message),
            DbException or IOException or UnauthorizedAccessException => (GatewayExitCodes.Unreachable, $"the database cannot be opened or written: {e.Message}"),
            AggregateException a => a.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null) is { } first
                ? (first.Code, string.Join("\n", a.InnerExceptions.Select(x => Describe(x)?.Message ?? x.Message)))
                : null,
            _ => (GatewayExitCodes.Failed, $"{e.GetType().Name}: {e.Message}"),
        };
    }

    private static Exception Unwrap(Exception e) => e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? Unwrap(inner) : e;

    private static int Report(TextWriter error, int code, IReadOnlyList<string> problems)
    {
        var lines = problems.SelectMany(p => p.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var what = code switch
        {
            GatewayExitCodes.Configuration => lines.Count == 1 ? "1 configuration problem" : $"{lines.Count} configuration problems",
            GatewayExitCodes.Unreachable => "a resource it needs is not available",
            _ => "an unexpected error",
        };
        error.WriteLine($"edge-gateway: cannot start: {what}:");
        foreach (var line in lines)
        {
            error.WriteLine($"  - {line}");
        }

        error.WriteLine($"(exit code {code}: {code switch { GatewayExitCodes.Configuration => "configuration", GatewayExitCodes.Unreachable => "unreachable", _ => "failed" }})");
        error.Flush();
        return code;
    }

    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(cts.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Already failing: the first error is the one to report.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Registers the start-up failure record and hides the host's own start-failure log lines (reported by <see cref="RunAsync"/>).</summary>
    internal static IHostApplicationBuilder AddStartupReporting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StartupFailure>();
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", _ => !Starting);
        return builder;
    }
}
