using Edge.Protocol;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// The gateway as a real child process (<c>dotnet Edge.Gateway.dll --config FILE</c>), so a test can kill it with
/// SIGKILL. The test's <see cref="TestEnvironment"/> reads its console: an Error it logs fails the test.
/// </summary>
internal static class ChildGateway
{
    public static ChildProcess Start(TestEnvironment env, string configFile) =>
        env.Watch(ChildProcess.StartDotnet(typeof(GatewayHost).Assembly.Location, ["--config", configFile], Path.GetDirectoryName(configFile)!));

    public static int FreePort() => ChildProcess.FreePort();

    /// <summary>The first connect subscribes; a probe from an unregistered device shows when that is done.</summary>
    public static Task WaitSubscribedAsync(ChildProcess gateway, SensorPublisher sensors) => FaultSite.WaitSubscribedAsync(gateway, sensors);
}
