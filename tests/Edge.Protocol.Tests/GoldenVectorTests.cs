namespace Edge.Protocol.Tests;

public class GoldenVectorTests
{
    public static TheoryData<string> Names() => [.. GoldenVectors.All().Select(v => v.Name)];

    private static GoldenVectors.Vector Get(string name) => GoldenVectors.All().Single(v => v.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void Encode_GoldenInput_ProducesExactlyTheGoldenBytes(string name)
    {
        GoldenVectors.Vector v = Get(name);

        Assert.Equal(v.Hex, Codec.Hex(Codec.Encode(v.Message)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_GoldenBytes_ReturnsTheGoldenFields(string name)
    {
        GoldenVectors.Vector v = Get(name);

        DecodeResult r = WireDecoder.Decode(Codec.FromHex(v.Hex));

        Assert.Equal(DecodeStatus.Ok, r.Status);
        Assert.Equal(GoldenVectors.DeviceId, r.DeviceId);
        Assert.Equal(Codec.Describe(v.Message), Codec.Describe(Codec.Message(r)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_GoldenBytesInsideLargerBuffer_ReadsOnlyItsRange(string name)
    {
        byte[] bytes = Codec.FromHex(Get(name).Hex);
        byte[] buffer = new byte[bytes.Length + 20];
        Array.Fill(buffer, (byte)0xA5);
        bytes.CopyTo(buffer, 7);

        DecodeResult r = WireDecoder.Decode(buffer, 7, bytes.Length);

        Assert.Equal(DecodeStatus.Ok, r.Status);
        Assert.Equal(Codec.Describe(Get(name).Message), Codec.Describe(Codec.Message(r)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Encode_AtOffset_WritesOnlyTheMessageBytesAndReturnsTheirCount(string name)
    {
        GoldenVectors.Vector v = Get(name);
        byte[] buffer = new byte[WireFormat.MaxMessageSize + 10];
        Array.Fill(buffer, (byte)0x5A);

        int written = v.Message switch
        {
            AccelBatch m => WireEncoder.Encode(m, buffer, 5),
            DeviceStatus m => WireEncoder.Encode(m, buffer, 5),
            DeviceEvent m => WireEncoder.Encode(m, buffer, 5),
            DeviceConfig m => WireEncoder.Encode(m, buffer, 5),
            _ => throw new InvalidOperationException(),
        };

        Assert.Equal(v.Hex.Length / 2, written);
        Assert.Equal(v.Hex, Codec.Hex(buffer[5..(5 + written)]));
        Assert.All(buffer[..5], b => Assert.Equal(0x5A, b));
        Assert.All(buffer[(5 + written)..], b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public void Decode_Accel16G_ConvertsCountsToG()
    {
        AccelBatch a = WireDecoder.Decode(Codec.FromHex(Frames.Hex("accel-16g-2-samples"))).Accel;

        Assert.Equal(0f, a.XG(0));
        Assert.Equal(1f, a.ZG(0));
        Assert.Equal(-1f, a.XG(1));
        Assert.Equal(32767f / 2048f, a.YG(1));
        Assert.Equal(-16f, a.ZG(1));
    }

    [Fact]
    public void Decode_StatusOnline_ExposesFlagsAsProperties()
    {
        DeviceStatus s = WireDecoder.Decode(Codec.FromHex(Frames.Hex("status-online"))).DeviceStatus;

        Assert.True(s.Online);
        Assert.True(s.Worn);
        Assert.False(s.Charging);
        Assert.False(s.ExternalPower);
    }

    [Theory]
    [InlineData("accel-16g-2-samples", MessageType.Accel)]
    [InlineData("status-online", MessageType.Status)]
    [InlineData("event-button-press", MessageType.Event)]
    [InlineData("config-triggered", MessageType.Config)]
    public void DecodeExpected_MatchingType_IsOkAndSetsOnlyThatMessage(string name, MessageType type)
    {
        byte[] bytes = Codec.FromHex(Frames.Hex(name));

        DecodeResult r = WireDecoder.Decode(bytes, 0, bytes.Length, type);

        Assert.True(r.IsOk);
        Assert.Equal(type, r.Type);
        int set = new object?[] { r.Accel, r.DeviceStatus, r.Event, r.Config }.Count(o => o != null);
        Assert.Equal(1, set);
    }

    [Theory]
    [InlineData(0, 0f)]
    [InlineData(2048, 1f)]
    [InlineData(-32768, -16f)]
    [InlineData(16384, 8f)]
    public void CountsToG_At16G_Is2048CountsPerG(short counts, float g)
    {
        Assert.Equal(g, WireFormat.CountsToG(counts, 16));
    }

    [Fact]
    public void CountsToG_EveryCountAtEveryRange_IsExact()
    {
        foreach (int range in new[] { 2, 4, 8, 16 })
        {
            for (int c = short.MinValue; c <= short.MaxValue; c++)
            {
                double exact = (double)c * range / 32768.0;
                Assert.Equal(exact, (double)WireFormat.CountsToG((short)c, range));
            }
        }
    }
}
