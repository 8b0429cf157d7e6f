using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Edge.Gateway.Commissioning;
using Edge.Gateway.Registry;
using Edge.Gateway.Storage;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway;

/// <summary>Where a maintenance command writes, and its clock.</summary>
internal sealed record CommandContext(TextWriter Out, TextWriter Error, TimeProvider Time)
{
    /// <summary>The process's console and clock.</summary>
    public static CommandContext System => new(Console.Out, Console.Error, TimeProvider.System);
}

/// <summary>
/// The gateway's maintenance commands, run beside the service against the same configuration and database
/// (System.CommandLine, like the provision CLI): <c>registry import</c> (Registry/RegistryCommands),
/// <c>db backup|restore|version</c> (Storage/DatabaseCommands), <c>commission ...</c>
/// (Commissioning/CommissioningCommands). Configuration comes as for the gateway itself: <c>--config FILE</c>,
/// <c>EDGE_</c> environment variables, and <c>--Section:Key=value</c> (or <c>--Section:Key value</c>) overrides.
/// Exit codes: 0 done, 1 failed, 2 a bad command line (each problem is named, then the usage), and 3 and 4 where a
/// command says so.
/// </summary>
internal static class GatewayCommands
{
    /// <summary>Exit code of a command line that cannot be run as given.</summary>
    public const int UsageExitCode = 2;

    private const string ConfigOptionName = "--config";

    /// <summary>True when <paramref name="args"/> name a maintenance command rather than a gateway run.</summary>
    public static bool Handles(string[] args) => args is ["registry" or "db" or "commission", ..];

    /// <summary>Parses and runs one maintenance command; its exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CommandContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = new Option<string?>(ConfigOptionName)
        {
            Description = "The gateway's settings file (JSON), as the service is started with.",
            Recursive = true,
        };
        config.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } file && !File.Exists(file))
            {
                result.AddError($"{ConfigOptionName} {file}: the file does not exist.");
            }
        });
        var areas = new (Command Command, string Usage)[]
        {
            (RegistryCommands.Create(context), RegistryCommands.Usage),
            (DatabaseCommands.Create(context), DatabaseCommands.Usage),
            (CommissioningCommands.Create(context), CommissioningCommands.Usage),
        };
        var root = new RootCommand("Maintenance commands of the edge gateway (run the gateway itself with no command).") { config };
        foreach (var (command, _) in areas)
        {
            root.Add(command);
        }

        AcceptUnmatchedTokens(root);
        var parse = root.Parse(args);
        var problems = parse.Errors.Select(e => e.Message).ToList();
        ConfigurationOverrides(parse.UnmatchedTokens, problems);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await context.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            }

            var area = areas.FirstOrDefault(a => args.Length > 0 && a.Command.Name == args[0]);
            await context.Error.WriteLineAsync(area.Usage ?? string.Join("\n", areas.Select(a => a.Usage))).ConfigureAwait(false);
            return UsageExitCode;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A host builder with the gateway's configuration for this command line (<c>--config</c>, <c>EDGE_</c> variables,
    /// overrides); each command adds the services it needs.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        string[] args =
        [
            .. parse.GetValue<string?>(ConfigOptionName) is { } file ? [ConfigOptionName, file] : Array.Empty<string>(),
            .. ConfigurationOverrides(parse.UnmatchedTokens, problems: null),
        ];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddGatewayConfiguration(args);
        return builder;
    }

    /// <summary>An option for a whole number, 0 or more, with a default; anything else is a usage error naming it.</summary>
    public static Option<int> Count(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => int.TryParse(Token(result), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : Refuse(result, 0, $"{name} must be a whole number, 0 or more (not '{Token(result)}')."),
    };

    /// <summary>The one value given to an option.</summary>
    public static string Token(ArgumentResult result) => result?.Tokens is [var token] ? token.Value : "";

    /// <summary>Records <paramref name="error"/> for the value and returns a placeholder; the command is not run.</summary>
    public static T Refuse<T>(ArgumentResult result, T placeholder, string error)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.AddError(error);
        return placeholder;
    }

    // Tokens no option claims are configuration overrides for the host, as for the gateway itself; anything else is a
    // mistake the user hears about (a misspelt --keep-days must not pass silently).
    private static void AcceptUnmatchedTokens(Command command)
    {
        command.TreatUnmatchedTokensAsErrors = false;
        foreach (var sub in command.Subcommands)
        {
            AcceptUnmatchedTokens(sub);
        }
    }

    private static List<string> ConfigurationOverrides(IReadOnlyList<string> unmatched, List<string>? problems)
    {
        var overrides = new List<string>();
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || !token.Contains(':', StringComparison.Ordinal))
            {
                problems?.Add($"unrecognised argument '{token}'");
            }
            else if (token.Contains('=', StringComparison.Ordinal))
            {
                overrides.Add(token);
            }
            else if (i + 1 < unmatched.Count && !unmatched[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                overrides.AddRange([token, unmatched[++i]]);
            }
            else
            {
                problems?.Add($"the setting {token} needs a value ({token}=VALUE)");
            }
        }

        return overrides;
    }
}
