using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

/// <summary>
/// <see cref="MqttClientOptions.SocketBufferSize"/> reaches the kernel. MQTTnet always sets SO_RCVBUF, and its
/// own default (8 KiB) turns off Linux's receive-window autotuning: a gateway that once fell behind (a GC pause,
/// a stalled core) was held to a window of a few KiB, about 100 sensor batches a second, while the broker queued
/// and then dropped the rest (measured with the 1,000-wearable load command: docs/benchmarks.md, issue 13.6).
/// What the kernel gave the socket is read with <c>ss -tm</c> (iproute2, installed by <c>./edge setup</c>).
/// </summary>
public sealed partial class SocketBufferTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Theory]
    [InlineData(0)] // the default
    [InlineData(8192)] // MQTTnet's own default, for contrast: proves the reading is of this client's socket
    [InlineData(256 * 1024)]
    public async Task Connect_SocketBufferSize_IsTheKernelsReceiveBuffer(int requested)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Options(broker);
        if (requested > 0)
        {
            options.SocketBufferSize = requested;
        }

        await using var client = await ConnectedAsync(_env, options);

        // Linux doubles the value for its own bookkeeping and caps the request at net.core.rmem_max.
        var rmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), CultureInfo.InvariantCulture);
        var expected = 2 * Math.Min(options.SocketBufferSize, rmemMax);
        Assert.Equal(expected, await ReceiveBufferAsync(broker.Port));
        if (requested == 0)
        {
            Assert.True(expected > 64 * 1024, $"the default receive buffer is {expected} bytes: too small to catch up after a pause");
        }
    }

    // The one socket of this process connected to the broker's port (each test has its own broker).
    private static async Task<int> ReceiveBufferAsync(int brokerPort)
    {
        var psi = new ProcessStartInfo("ss", ["-tmnpH", "state", "established", "dport", "=", $":{brokerPort}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process ss;
        try
        {
            ss = Process.Start(psi) ?? throw new InvalidOperationException("ss did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("`ss` (Debian package iproute2) is needed to read socket buffers: run ./edge setup", e);
        }

        using (ss)
        {
            var output = await ss.StandardOutput.ReadToEndAsync();
            await ss.WaitForExitAsync();
            var pid = $"pid={Environment.ProcessId},";
            var lines = output.Split('\n').Select((l, i) => (l, i)).ToList();
            var sockets = lines.Where(x => x.l.Contains(pid, StringComparison.Ordinal)).ToList();
            Assert.True(sockets.Count == 1, $"expected one socket of this process to port {brokerPort}, ss said:\n{output}");

            // ss prints skmem on the same line (-H) or the next one, depending on its version.
            var text = sockets[0].l + (sockets[0].i + 1 < lines.Count ? lines[sockets[0].i + 1].l : "");
            var m = ReceiveBuffer().Match(text);
            Assert.True(m.Success, $"no skmem rb in: {text}");
            return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
    }

    [GeneratedRegex(@"skmem:\(r\d+,rb(\d+),")]
    private static partial Regex ReceiveBuffer();
}
