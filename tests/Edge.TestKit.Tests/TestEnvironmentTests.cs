using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Sdk;

namespace Edge.TestKit.Tests;

public sealed partial class TestEnvironmentTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Dispose_NothingLogged_Passes()
    {
        var env = new TestEnvironment();
        env.Dispose();
    }

    [Fact]
    public void Dispose_ErrorLoggedInProcess_FailsWithTheEntry()
    {
        var env = new TestEnvironment();
        Log.PagerDown(env.Logger<TestEnvironmentTests>(), "pager-1");

        var failure = Assert.Throws<XunitException>(env.Dispose);

        Assert.Contains("1 unexpected error log entry", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Edge.TestKit.Tests.TestEnvironmentTests[9001] pager pager-1 is down", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_WarningsAndInformation_Pass()
    {
        var env = new TestEnvironment();
        var logger = env.Logger<TestEnvironmentTests>();
        Log.Slow(logger);
        Log.Started(logger);

        env.Dispose();
        Assert.Equal(2, env.Entries.Count);
    }

    [Fact]
    public void Dispose_ErrorDeclaredByEventId_Passes()
    {
        var env = new TestEnvironment();
        env.ExpectError(9001);
        Log.PagerDown(env.Logger<TestEnvironmentTests>(), "pager-1");

        env.Dispose();
    }

    [Fact]
    public void Dispose_ErrorDeclaredByEventIdAndText_OnlyThatTextPasses()
    {
        var env = new TestEnvironment();
        env.ExpectError(9001, "pager-1");
        var logger = env.Logger<TestEnvironmentTests>();
        Log.PagerDown(logger, "pager-1");
        Log.PagerDown(logger, "pager-2");

        var failure = Assert.Throws<XunitException>(env.Dispose);

        Assert.Contains("pager pager-2 is down", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pager pager-1 is down", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ErrorDeclaredByCategoryAndText_AnotherErrorStillFails()
    {
        var env = new TestEnvironment();
        env.ExpectError(typeof(TestEnvironmentTests).FullName!, "is down");
        var logger = env.Logger<TestEnvironmentTests>();
        Log.PagerDown(logger, "pager-1");
        Log.DiskFull(logger);
        env.LoggerFactory.CreateLogger("Other.Category").LogError("pager pager-3 is down");

        var failure = Assert.Throws<XunitException>(env.Dispose);

        Assert.Contains("2 unexpected error log entries", failure.Message, StringComparison.Ordinal);
        Assert.Contains("disk full", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Other.Category", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ErrorFromAHostAfterItStopped_StillFails()
    {
        var env = new TestEnvironment();
        var services = new ServiceCollection();
        services.AddLogging(l => env.Capture(l));
        ILogger logger;
        using (var provider = services.BuildServiceProvider())
        {
            logger = provider.GetRequiredService<ILogger<TestEnvironmentTests>>();
        }

        // The host's logger factory disposed its providers; the environment's outlives it.
        Log.DiskFull(logger);

        Assert.Throws<XunitException>(env.Dispose);
    }

    [Fact]
    public void Dispose_UnobservedTaskException_Fails()
    {
        var env = new TestEnvironment();
        LoseAFaultedTask();

        var failure = Assert.Throws<XunitException>(env.Dispose);

        Assert.Contains("unobserved task exception", failure.Message, StringComparison.Ordinal);
        Assert.Contains("lost on purpose", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForEventAsync_EntryLoggedLater_Completes()
    {
        using var env = new TestEnvironment();
        var waiting = env.WaitForEventAsync(9003, Wait);
        Assert.False(waiting.IsCompleted);

        Log.Started(env.Logger<TestEnvironmentTests>());

        Assert.Equal("started", (await waiting).Message);
    }

    [Fact]
    public async Task Watch_ChildProcessConsole_ErrorsInEveryFormatAreEntries()
    {
        var env = new TestEnvironment();
        // What .NET programs print: the gateway's one-line simple format, the cloud's default multi-line format, the
        // systemd format, a crash; and lines that are not log entries.
        using var child = env.Watch(ChildProcess.Start("sh", ["-c", """
            echo '12:00:00.001 info: Edge.Gateway.Ingest[1001] Ingest started for site site1'
            echo '12:00:00.002 fail: Edge.Alerting.Espa.EspaChannel[5003] pager link lost System.IO.IOException: broken pipe'
            echo 'fail: Edge.Cloud.Api.Ingest[20012]'
            echo '      batch refused'
            echo '      System.InvalidOperationException: no such gateway'
            echo '<3>Edge.Gateway.Storage[2004] database cannot be written'
            echo '<4>Edge.Gateway.Supervision[3001] slow pass'
            echo '12:00:01.000 | CALL | 101 | Alice'
            echo 'Unhandled exception. System.Exception: boom' >&2
            echo '   at Program.Main()' >&2
            """], name: "fake-gateway"));
        Assert.Equal(0, await child.WaitForExitAsync(Wait));

        // stdout's entries in the order printed; stderr is read on its own, so the crash may come before or after them.
        var entries = env.Entries;
        Assert.Equal(6, entries.Count);
        Assert.All(entries, e => Assert.Equal("fake-gateway", e.Source));
        Assert.Equal(
            [
                (LogLevel.Information, "Edge.Gateway.Ingest", 1001, "Ingest started for site site1"),
                (LogLevel.Error, "Edge.Alerting.Espa.EspaChannel", 5003, "pager link lost System.IO.IOException: broken pipe"),
                (LogLevel.Error, "Edge.Cloud.Api.Ingest", 20012, "batch refused\nSystem.InvalidOperationException: no such gateway"),
                (LogLevel.Error, "Edge.Gateway.Storage", 2004, "database cannot be written"),
                (LogLevel.Warning, "Edge.Gateway.Supervision", 3001, "slow pass"),
            ],
            entries.Where(e => e.Category != "unhandled").Select(Shape));
        Assert.Equal((LogLevel.Critical, "unhandled", 0, "Unhandled exception. System.Exception: boom\nat Program.Main()"), Shape(Assert.Single(entries, e => e.Category == "unhandled")));
        Assert.Equal(4, env.UnexpectedErrors.Count);

        env.ExpectError(5003, "pager link lost");
        env.ExpectError(20012, "batch refused");
        env.ExpectError("Edge.Gateway.Storage", "cannot be written");
        var failure = Assert.Throws<XunitException>(env.Dispose);
        Assert.Contains("Unhandled exception. System.Exception: boom", failure.Message, StringComparison.Ordinal);
        Assert.Contains("1 unexpected error log entry", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_LinesPrintedBeforeWatching_AreRead()
    {
        using var child = ChildProcess.Start("sh", ["-c", "echo '08:00:00.000 fail: Edge.Gateway.Supervision[3005] supervision pass failed'"], name: "early");
        Assert.Equal(0, await child.WaitForExitAsync(Wait));
        var env = new TestEnvironment();

        env.Watch(child);

        Assert.Equal(3005, Assert.Single(env.UnexpectedErrors).EventId);
        env.ExpectError(3005);
        env.Dispose();
    }

    private static (LogLevel, string, int, string) Shape(LogEntry e) => (e.Level, e.Category, e.EventId, e.Message);

    // Not inlined: the task must be unreachable once this returns, so the collector finalizes it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LoseAFaultedTask()
    {
        var task = Task.Run(() => throw new InvalidOperationException("lost on purpose"));
        SpinWait.SpinUntil(() => task.IsCompleted, TimeSpan.FromSeconds(30)); // IsCompleted does not observe the exception
        Assert.True(task.IsFaulted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "pager {Name} is down")]
        public static partial void PagerDown(ILogger logger, string name);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "disk full")]
        public static partial void DiskFull(ILogger logger);

        [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "started")]
        public static partial void Started(ILogger logger);

        [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "slow")]
        public static partial void Slow(ILogger logger);
    }
}
