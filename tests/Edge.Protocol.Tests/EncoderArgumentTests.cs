namespace Edge.Protocol.Tests;

public class EncoderArgumentTests
{
    public static TheoryData<string, Action<AccelBatch>> BadAccel() => new()
    {
        { "0 samples", m => { m.SampleCount = 0; } },
        { "257 samples", m => { m.SampleCount = 257; m.Samples = new short[3 * 257]; } },
        { "null samples", m => m.Samples = null! },
        { "samples shorter than 3 x count", m => m.Samples = new short[5] },
        { "range 3", m => m.RangeG = 3 },
        { "period 999", m => m.SamplePeriodUs = 999 },
        { "period 1000001", m => m.SamplePeriodUs = 1_000_001 },
        { "flag bit 2", m => m.Flags = 0x04 },
        { "null id", m => m.DeviceId = null! },
        { "empty id", m => m.DeviceId = string.Empty },
        { "id with '/'", m => m.DeviceId = "a/b" },
        { "id with '#'", m => m.DeviceId = "#" },
        { "33-character id", m => m.DeviceId = new string('a', 33) },
        { "non-ASCII id", m => m.DeviceId = "gerät" },
    };

    [Theory]
    [MemberData(nameof(BadAccel))]
    public void EncodeAccel_InvalidField_ThrowsArgumentException(string why, Action<AccelBatch> edit)
    {
        AccelBatch m = GoldenVectors.Accel16G();
        edit(m);

        var ex = Record.Exception(() => WireEncoder.ToBytes(m));

        Assert.True(ex is ArgumentException, $"{why}: {ex?.GetType().Name ?? "no exception"}");
    }

    public static TheoryData<string, Action<DeviceStatus>> BadStatus() => new()
    {
        { "17-character firmware", m => m.FirmwareVersion = new string('1', 17) },
        { "firmware with newline", m => m.FirmwareVersion = "1.0\n" },
        { "firmware with non-ASCII", m => m.FirmwareVersion = "1.0-β" },
        { "state of charge 101", m => m.StateOfChargePercent = 101 },
        { "flag bit 5", m => m.Flags = 0x20 },
        { "fault active without a fault", m => m.Flags = DeviceStatus.FlagOnline | DeviceStatus.FlagFaultActive },
        { "fault code 8", m => m.FaultCode = (DeviceFault)8 },
        { "mode 2", m => m.Mode = (DeviceMode)2 },
        { "bad id", m => m.DeviceId = "a b" },
    };

    [Theory]
    [MemberData(nameof(BadStatus))]
    public void EncodeStatus_InvalidField_ThrowsArgumentException(string why, Action<DeviceStatus> edit)
    {
        DeviceStatus m = GoldenVectors.Status();
        edit(m);

        var ex = Record.Exception(() => WireEncoder.ToBytes(m));

        Assert.True(ex is ArgumentException, $"{why}: {ex?.GetType().Name ?? "no exception"}");
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)6)]
    public void EncodeEvent_UnknownKind_ThrowsArgumentException(byte kind)
    {
        DeviceEvent m = GoldenVectors.ButtonPress();
        m.Kind = (EventKind)kind;

        Assert.Throws<ArgumentException>(() => WireEncoder.ToBytes(m));
    }

    public static TheoryData<string, Action<DeviceConfig>> BadConfig() => new()
    {
        { "mode 2", m => m.Mode = (DeviceMode)2 },
        { "rate 0", m => m.SampleRateHz = 0 },
        { "rate 1001", m => m.SampleRateHz = 1001 },
        { "range 12", m => m.RangeG = 12 },
        { "batch 99 ms", m => m.BatchIntervalMs = 99 },
        { "batch 60001 ms", m => m.BatchIntervalMs = 60001 },
        { "bad id", m => m.DeviceId = "+" },
    };

    [Theory]
    [MemberData(nameof(BadConfig))]
    public void EncodeConfig_InvalidField_ThrowsArgumentException(string why, Action<DeviceConfig> edit)
    {
        DeviceConfig m = GoldenVectors.Config();
        edit(m);

        var ex = Record.Exception(() => WireEncoder.ToBytes(m));

        Assert.True(ex is ArgumentException, $"{why}: {ex?.GetType().Name ?? "no exception"}");
    }

    [Fact]
    public void Encode_NullMessage_ThrowsArgumentNullException()
    {
        byte[] buffer = new byte[100];
        Assert.Throws<ArgumentNullException>(() => WireEncoder.Encode((AccelBatch)null!, buffer, 0));
        Assert.Throws<ArgumentNullException>(() => WireEncoder.Encode((DeviceStatus)null!, buffer, 0));
        Assert.Throws<ArgumentNullException>(() => WireEncoder.Encode((DeviceEvent)null!, buffer, 0));
        Assert.Throws<ArgumentNullException>(() => WireEncoder.Encode((DeviceConfig)null!, buffer, 0));
    }

    [Theory]
    [InlineData(28, 0)] // event is 29 bytes
    [InlineData(29, 1)]
    [InlineData(100, -1)]
    [InlineData(100, 72)]
    [InlineData(100, int.MaxValue)]
    [InlineData(100, int.MaxValue - 10)]
    public void Encode_BufferTooSmallOrBadOffset_ThrowsArgumentExceptionAndWritesNothing(int size, int offset)
    {
        byte[] buffer = new byte[size];

        Assert.Throws<ArgumentException>(() => WireEncoder.Encode(GoldenVectors.ButtonPress(), buffer, offset));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Encode_NullBuffer_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => WireEncoder.Encode(GoldenVectors.ButtonPress(), null!, 0));
    }

    [Fact]
    public void Encode_BufferExactlyTheMessageSize_Fits()
    {
        byte[] buffer = new byte[29];

        Assert.Equal(29, WireEncoder.Encode(GoldenVectors.ButtonPress(), buffer, 0));
    }

    [Fact]
    public void EncodeStatus_NullFirmwareVersion_EncodesAsEmpty()
    {
        DeviceStatus m = GoldenVectors.Status();
        m.FirmwareVersion = null!;

        DeviceStatus back = WireDecoder.Decode(WireEncoder.ToBytes(m)).DeviceStatus;

        Assert.Equal(string.Empty, back.FirmwareVersion);
    }

    [Fact]
    public void AccelSize_MatchesEncodedLength()
    {
        Assert.Equal(46, WireEncoder.AccelSize(GoldenVectors.DeviceId, 2));
        Assert.Equal(WireEncoder.ToBytes(GoldenVectors.Accel16G()).Length, WireEncoder.AccelSize(GoldenVectors.DeviceId, 2));
    }
}
