using Edge.Protocol;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>The gateway as a real child process (<c>dotnet Edge.Gateway.dll --config FILE</c>), so a test can kill it with SIGKILL.</summary>
internal static class ChildGateway
{
    public static ChildProcess Start(string configFile) =>
        ChildProcess.StartDotnet(typeof(GatewayHost).Assembly.Location, ["--config", configFile], Path.GetDirectoryName(configFile)!);

    public static int FreePort() => ChildProcess.FreePort();

    /// <summary>The first connect subscribes; a probe from an unregistered device shows when that is done.</summary>
    public static async Task WaitSubscribedAsync(ChildProcess gateway, SensorPublisher sensors)
    {
        var probe = WireEncoder.ToBytes(new DeviceEvent { DeviceId = "probe", Sequence = 1, Kind = EventKind.TestPress, DeviceTimeUs = 1 });
        for (var i = 0; i < 100; i++)
        {
            await sensors.PublishAsync(Topics.For(InProcessGateway.Site, "probe", TopicKind.Event), probe);
            try
            {
                await gateway.WaitForLineAsync("unknown device probe", TimeSpan.FromMilliseconds(300));
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        throw new TimeoutException("the gateway never subscribed");
    }
}
