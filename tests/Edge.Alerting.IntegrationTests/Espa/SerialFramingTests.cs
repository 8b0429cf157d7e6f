using System.Diagnostics;
using Edge.Alerting.Espa;
using Edge.Alerting.IntegrationTests.Infrastructure;

namespace Edge.Alerting.IntegrationTests.Espa;

/// <summary>
/// termios on a real pseudo-terminal. The pty driver keeps baud and stop bits but forces 8 data bits and no
/// parity (drivers/tty/pty.c), so 7-bit and parity are asserted as the pty's documented override here; the
/// bit patterns we request are unit-tested in SerialFramingBitsTests, and a real UART is needed for the rest.
/// </summary>
public sealed class SerialFramingTests : IDisposable
{
    private readonly Edge.TestKit.TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Theory]
    [InlineData(9600, 7, SerialParity.Even, 2)]
    [InlineData(1200, 7, SerialParity.Even, 1)]
    [InlineData(115200, 8, SerialParity.None, 1)]
    [InlineData(300, 7, SerialParity.Odd, 2)]
    public async Task Open_Framing_AppliedAndReadBackWithTcgetattrAndStty(int baud, int dataBits, SerialParity parity, int stopBits)
    {
        using var pty = await SocatPtyPair.StartAsync();
        var settings = new SerialLineSettings { DevicePath = pty.PathA, BaudRate = baud, DataBits = dataBits, Parity = parity, StopBits = stopBits, VerifyFraming = false };
        await using var transport = new SerialEspaTransport(settings);
        await transport.OpenAsync(CancellationToken.None);

        var applied = transport.ReadAppliedSettings();
        var stty = Stty(pty.PathA);

        Assert.Equal(baud, applied.BaudRate);
        Assert.Equal(stopBits, applied.StopBits);
        Assert.Contains($"speed {baud} baud", stty, StringComparison.Ordinal);
        Assert.Contains(stopBits == 2 ? " cstopb" : "-cstopb", stty, StringComparison.Ordinal);
        Assert.Contains("-icanon", stty, StringComparison.Ordinal);
        Assert.Contains("-echo ", stty, StringComparison.Ordinal);
        Assert.Contains("-opost", stty, StringComparison.Ordinal);
        Assert.Contains("-ixon", stty, StringComparison.Ordinal);
        Assert.Contains("clocal", stty, StringComparison.Ordinal);

        // The pty's own override, asserted so a kernel that starts honouring it shows up here.
        Assert.Equal((8, SerialParity.None), (applied.DataBits, applied.Parity));
        Assert.Contains("cs8", stty, StringComparison.Ordinal);
        Assert.Contains("-parenb", stty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_VerifyFramingOnPty_RefusesSevenBitsWithClearError()
    {
        using var pty = await SocatPtyPair.StartAsync();
        await using var transport = new SerialEspaTransport(new SerialLineSettings { DevicePath = pty.PathA });

        var e = await Assert.ThrowsAsync<IOException>(() => transport.OpenAsync(CancellationToken.None).AsTask());

        Assert.Contains("did not accept 9600 7E2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_MissingDevice_ClearError()
    {
        await using var transport = new SerialEspaTransport(new SerialLineSettings { DevicePath = "/dev/does-not-exist-espa" });

        var e = await Assert.ThrowsAsync<IOException>(() => transport.OpenAsync(CancellationToken.None).AsTask());

        Assert.Contains("No such file", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, SerialParity.Even, 2)]
    [InlineData(7, SerialParity.Even, 1)]
    [InlineData(8, SerialParity.None, 1)]
    public async Task Send_EachFraming_PageDeliveredOverPty(int dataBits, SerialParity parity, int stopBits)
    {
        var framing = new SerialLineSettings { BaudRate = 9600, DataBits = dataBits, Parity = parity, StopBits = stopBits };
        await using var rig = await EspaRig.StartControlAsync(_env, "pty", framing: framing);

        var result = await rig.Channel.SendAsync(new AlertMessage("inc-f", ["77"], $"framing {framing}", AlertPriority.Alarm, AlertKind.Fall), CancellationToken.None);
        var page = await rig.NextPageAsync();

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal($"framing 9600 {framing.ToString()[5..]}", page['2']);
    }

    private static string Stty(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stty", ["-F", path, "-a"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
