using System.Reflection;
using System.Text.RegularExpressions;
using Edge.Logging;
using Edge.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Tests.Diagnostics;

/// <summary>
/// One log event id, one meaning, per process: no two [LoggerMessage] methods of one program share an id, whichever
/// of its libraries they sit in (issue 18: the uplink's 8001–8010 were commissioning's too, in the gateway process).
/// Read from the built programs' metadata, so the libraries each program really loads are the ones checked.
/// </summary>
public sealed partial class LogEventIdTests
{
    /// <summary>Every program the repository ships (the folder its project is in, its assembly).</summary>
    public static TheoryData<string, string> Programs => new()
    {
        { "edge-gateway/src/Edge.Gateway", "Edge.Gateway" },
        { "edge-gateway/src/Edge.Demo", "Edge.Demo" },
        { "edge-gateway/src/Edge.Provision", "edge-provision" },
        { "edge-gateway/src/Edge.Alerting.PagerConsole", "Edge.Alerting.PagerConsole" },
        { "cloud-ingest/src/Edge.Cloud.Api", "Edge.Cloud.Api" },
        { "firmware/src/Edge.Simulator", "edge-sim" },
        { "models/src/Edge.Training", "Edge.Training" },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Program_NoTwoLogMethodsShareAnId(string projectDir, string assembly)
    {
        var events = LogEventCensus.ReadProgram(LogEventCensus.BuiltDll(projectDir, assembly));

        var collisions = LogEventCensus.Collisions(events);
        Assert.True(collisions.Count == 0, $"{assembly}: log event ids used by more than one method:\n{string.Join("\n", collisions)}");
        var withoutId = events.Where(e => e.Id <= 0).ToList();
        Assert.True(withoutId.Count == 0, $"{assembly}: log methods without an event id:\n{string.Join("\n", withoutId)}");
    }

    [Fact]
    public void Gateway_LogsFromItsLibraries_EveryIdFromTheRegistry()
    {
        var events = LogEventCensus.ReadProgram(LogEventCensus.BuiltDll("edge-gateway/src/Edge.Gateway", "Edge.Gateway"));

        // The census sees the libraries the gateway hosts, not only the host (the defect was between two assemblies).
        Assert.Superset(new HashSet<string> { "Edge.Gateway", "Edge.Mqtt", "Edge.Alerting", "Edge.Uplink" }, events.Select(e => e.Assembly).ToHashSet());
        Assert.True(events.Count > 100, $"only {events.Count} log methods found");
        var registry = RegistryIds().ToHashSet();
        var unlisted = events.Where(e => !registry.Contains(e.Id)).Select(e => $"{e.Id} {e}").ToList();
        Assert.True(unlisted.Count == 0, $"ids not in Edge.Logging.EventIds:\n{string.Join("\n", unlisted)}");
    }

    [Fact]
    public void Registry_EachIdHasOneName_BelowTheCloudsRange()
    {
        var constants = typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();

        Assert.True(constants.Count > 100);
        var twice = constants.GroupBy(f => (int)f.GetRawConstantValue()!).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(f => f.Name))}").ToList();
        Assert.True(twice.Count == 0, $"ids with two names:\n{string.Join("\n", twice)}");
        Assert.All(RegistryIds(), id => Assert.InRange(id, 1000, 19_999));
    }

    [Fact]
    public void Cloud_KeepsToItsOwnRange()
    {
        var cloud = LogEventCensus.ReadProgram(LogEventCensus.BuiltDll("cloud-ingest/src/Edge.Cloud.Api", "Edge.Cloud.Api"));

        Assert.NotEmpty(cloud);
        Assert.All(cloud, e => Assert.InRange(e.Id, 20_000, 29_999));
    }

    [Fact]
    public void Programs_ListsEveryProgramInTheRepository()
    {
        var programs = new[] { "edge-gateway/src", "cloud-ingest/src", "firmware/src", "models/src" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, d), "*.csproj", SearchOption.AllDirectories))
            .Where(p => IsProgram().IsMatch(File.ReadAllText(p)))
            .Select(p => Path.GetRelativePath(TestData.RepoRoot, Path.GetDirectoryName(p)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(programs, Programs.Select(row => (string)row[0]).Order(StringComparer.Ordinal));
    }

    // The negative cases: the census must really fail on a duplicate.

    [Fact]
    public void Collisions_TheDefectAsItWas_IsReported()
    {
        using var dir = new TempDirectory();
        // Two libraries of one program, each with its own registry: the uplink's and commissioning's 8001.
        var uplink = Compile(dir.Path, "Fake.Uplink", """
            namespace Fake.Uplink;
            public static class UplinkEventIds { public const int Started = 8001; public const int Disabled = 8002; }
            internal static class Log
            {
                [LoggerMessage(EventId = UplinkEventIds.Started, Level = LogLevel.Information, Message = "Uplink to {Url}")]
                public static void Started(ILogger logger, string url) { }
                [LoggerMessage(EventId = UplinkEventIds.Disabled, Level = LogLevel.Information, Message = "Uplink disabled")]
                public static void Disabled(ILogger logger) { }
            }
            """);
        var gateway = Compile(dir.Path, "Fake.Gateway", """
            namespace Fake.Gateway.Commissioning;
            internal static partial class Log
            {
                [LoggerMessage(8001, LogLevel.Warning, "Commissioning started")]
                public static void CommissioningStarted(ILogger logger) { }
                [LoggerMessage(8003, LogLevel.Information, "Test press routed")]
                public static void Routed(ILogger logger) { }
                internal static class Nested
                {
                    [LoggerMessage(EventId = 8004, Message = "Check passed")]
                    public static void Passed(ILogger logger, LogLevel level) { }
                }
            }
            """, uplink);
        WriteDeps(gateway, "Fake.Gateway", "Fake.Uplink");

        var events = LogEventCensus.ReadProgram(gateway);

        Assert.Equal(
            ["Fake.Gateway: Fake.Gateway.Commissioning.Log+Nested.Passed", "Fake.Gateway: Fake.Gateway.Commissioning.Log.CommissioningStarted", "Fake.Gateway: Fake.Gateway.Commissioning.Log.Routed",
             "Fake.Uplink: Fake.Uplink.Log.Disabled", "Fake.Uplink: Fake.Uplink.Log.Started"],
            events.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(["8001: Fake.Gateway: Fake.Gateway.Commissioning.Log.CommissioningStarted, Fake.Uplink: Fake.Uplink.Log.Started"], LogEventCensus.Collisions(events));
    }

    [Fact]
    public void Collisions_ALibraryReusingARegistryId_IsReportedInTheGatewayProcess()
    {
        using var dir = new TempDirectory();
        var library = Compile(dir.Path, "Fake.Library", """
            namespace Fake.Library;
            internal static class Log
            {
                [LoggerMessage(3001, LogLevel.Information, "Something else")]
                public static void SomethingElse(ILogger logger) { }
            }
            """);
        var gateway = LogEventCensus.ReadProgram(LogEventCensus.BuiltDll("edge-gateway/src/Edge.Gateway", "Edge.Gateway"));

        var collisions = LogEventCensus.Collisions([.. gateway, .. LogEventCensus.Read(library)]);

        var collision = Assert.Single(collisions);
        Assert.StartsWith($"{EventIds.IncidentRaised}: ", collision, StringComparison.Ordinal);
        Assert.Contains("Edge.Gateway: Edge.Gateway.Incidents.", collision, StringComparison.Ordinal);
        Assert.Contains("Fake.Library.Log.SomethingElse", collision, StringComparison.Ordinal);
    }

    [Fact]
    public void Census_ALogMethodWithoutAnId_IsSeen()
    {
        using var dir = new TempDirectory();
        var library = Compile(dir.Path, "Fake.NoId", """
            namespace Fake.NoId;
            internal static class Log
            {
                [LoggerMessage(LogLevel.Information, "No id")]
                public static void NoId(ILogger logger) { }
            }
            """);

        Assert.Equal(-1, Assert.Single(LogEventCensus.Read(library)).Id);
    }

    private static IEnumerable<int> RegistryIds() =>
        typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (int)f.GetRawConstantValue()!);

    /// <summary>Compiles C# (without the logging source generator: the attribute is what the census reads).</summary>
    private static string Compile(string dir, string name, string source, params string[] references)
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText("using Microsoft.Extensions.Logging;\n" + source)],
            [.. platform.Concat([typeof(LoggerMessageAttribute).Assembly.Location]).Concat(references).Distinct().Select(p => MetadataReference.CreateFromFile(p))],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var path = Path.Combine(dir, name + ".dll");
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return path;
    }

    private static void WriteDeps(string entryDll, params string[] projects)
    {
        var target = string.Join(",", projects.Select(p => $$"""  "{{p}}/1.0.0": { "runtime": { "{{p}}.dll": {} } }"""));
        var libraries = string.Join(",", projects.Select(p => $$"""  "{{p}}/1.0.0": { "type": "project", "serviceable": false, "sha512": "" }"""));
        File.WriteAllText(Path.ChangeExtension(entryDll, ".deps.json"), $$"""
            { "targets": { ".NETCoreApp,Version=v10.0": { {{target}} } }, "libraries": { {{libraries}} } }
            """);
    }

    [GeneratedRegex(@"<OutputType>Exe</OutputType>|Sdk=""Microsoft\.NET\.Sdk\.Web""")]
    private static partial Regex IsProgram();
}
