using static Edge.Protocol.Tests.Frames;

namespace Edge.Protocol.Tests;

/// <summary>Every <see cref="DecodeStatus"/> from a hand-made input, at the step docs/wire-protocol.md names.</summary>
public class DecodeStatusTests
{
    private const string Accel = "accel-16g-2-samples";
    private const string Status = "status-online";
    private const string Event = "event-button-press";
    private const string Config = "config-triggered";

    private static DecodeStatus Decode(byte[] bytes) => WireDecoder.Decode(bytes).Status;

    private static void Set16(List<byte> b, int at, int value)
    {
        b[at] = (byte)value;
        b[at + 1] = (byte)(value >> 8);
    }

    [Fact]
    public void Decode_LongerThanLimit_IsOversize()
    {
        Assert.Equal(DecodeStatus.Oversize, Decode(new byte[WireFormat.MaxMessageSize + 1]));
    }

    [Fact]
    public void Decode_AccelCountAbove256_IsOversize()
    {
        // A count of 257 with the bytes of 257 samples is one byte over the limit already, so the
        // count check is reached with a short body: it must say Oversize, not CountMismatch.
        Assert.Equal(DecodeStatus.Oversize, Decode(Edited(Hex(Accel), b => Set16(b, B + 18, 257))));
        Assert.Equal(DecodeStatus.Oversize, Decode(Edited(Hex(Accel), b => Set16(b, B + 18, 0xFFFF))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    public void Decode_ShorterThanFrame_IsTruncated(int length)
    {
        byte[] bytes = Codec.FromHex(Hex(Accel))[..length];

        Assert.Equal(DecodeStatus.Truncated, Decode(bytes));
    }

    [Fact]
    public void Decode_IdRunsIntoCrc_IsTruncated()
    {
        Assert.Equal(DecodeStatus.Truncated, Decode(WithCrc([1, 1, 7, (byte)'a', (byte)'b'])));
    }

    [Theory]
    [InlineData(Accel, 19)]
    [InlineData(Status, 34)]
    [InlineData(Event, 14)]
    [InlineData(Config, 19)]
    public void Decode_BodyShorterThanFixedFields_IsTruncated(string vector, int bodyBytes)
    {
        byte[] bytes = Edited(Hex(vector), b => b.RemoveRange(B + bodyBytes, b.Count - B - bodyBytes));

        Assert.Equal(DecodeStatus.Truncated, Decode(bytes));
    }

    [Fact]
    public void Decode_StatusFirmwareVersionCutShort_IsTruncated()
    {
        Assert.Equal(DecodeStatus.Truncated, Decode(Edited(Hex(Status), b => b.RemoveAt(b.Count - 1))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(20)]
    [InlineData(45)]
    public void Decode_OneBitFlipped_IsBadCrc(int bit)
    {
        byte[] bytes = Codec.FromHex(Hex(Accel));
        int at = 1 + (bit / 8 % (bytes.Length - 1)); // never the version byte
        bytes[at] ^= (byte)(1 << (bit % 8));

        Assert.Equal(DecodeStatus.BadCrc, Decode(bytes));
    }

    [Fact]
    public void Decode_CrcTrailerChanged_IsBadCrc()
    {
        byte[] bytes = Codec.FromHex(Hex(Event));
        bytes[^1] ^= 0x80;

        Assert.Equal(DecodeStatus.BadCrc, Decode(bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(255)]
    public void Decode_OtherVersion_IsUnknownVersionEvenWithAValidCrc(byte version)
    {
        Assert.Equal(DecodeStatus.UnknownVersion, Decode(Edited(Hex(Event), b => b[0] = version)));
        byte[] raw = Codec.FromHex(Hex(Event));
        raw[0] = version;
        Assert.Equal(DecodeStatus.UnknownVersion, Decode(raw));
    }

    [Fact]
    public void Decode_Version2WithBootIdZero_IsBadRange_SoEveryEncodingStaysCanonical()
    {
        // Version 2 means "boot identity known"; a 0 identity is written as version 1.
        var v2 = Edited(Hex(Event), b =>
        {
            b[0] = WireFormat.VersionWithBootId;
            b.InsertRange(3 + 7, [0, 0, 0, 0]);
        });

        Assert.Equal(DecodeStatus.BadRange, Decode(v2));
    }

    [Fact]
    public void Decode_Version2CutInsideTheBootId_IsTruncated()
    {
        var cut = Edited(Hex(Event), b =>
        {
            b[0] = WireFormat.VersionWithBootId;
            b.RemoveRange(3 + 7, b.Count - (3 + 7));
            b.AddRange([1, 2]);
        });

        Assert.Equal(DecodeStatus.Truncated, Decode(cut));
    }

    [Fact]
    public void Decode_AccelCountDisagreesWithLength_IsCountMismatch()
    {
        Assert.Equal(DecodeStatus.CountMismatch, Decode(Edited(Hex(Accel), b => Set16(b, B + 18, 3))));
        Assert.Equal(DecodeStatus.CountMismatch, Decode(Edited(Hex(Accel), b => Set16(b, B + 18, 1))));
        Assert.Equal(DecodeStatus.CountMismatch, Decode(Edited(Hex(Accel), b => b.Add(0))));
    }

    [Fact]
    public void Decode_AccelCountZero_IsCountMismatch()
    {
        Assert.Equal(
            DecodeStatus.CountMismatch,
            Decode(Edited(Hex(Accel), b =>
            {
                Set16(b, B + 18, 0);
                b.RemoveRange(B + 20, 12);
            })));
    }

    [Theory]
    [InlineData(Status)]
    [InlineData(Event)]
    [InlineData(Config)]
    public void Decode_TrailingByteAfterFields_IsCountMismatch(string vector)
    {
        Assert.Equal(DecodeStatus.CountMismatch, Decode(Edited(Hex(vector), b => b.Add((byte)'x'))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Decode_UnknownTypeByte_IsUnknownType(byte type)
    {
        DecodeResult r = WireDecoder.Decode(Edited(Hex(Event), b => b[1] = type));

        Assert.Equal(DecodeStatus.UnknownType, r.Status);
        Assert.Null(r.DeviceId);
    }

    [Fact]
    public void DecodeExpected_OtherValidType_IsWrongTypeAndKeepsTypeAndDevice()
    {
        byte[] bytes = Codec.FromHex(Hex(Accel));

        DecodeResult r = WireDecoder.Decode(bytes, 0, bytes.Length, MessageType.Status);

        Assert.Equal(DecodeStatus.WrongType, r.Status);
        Assert.Equal(MessageType.Accel, r.Type);
        Assert.Equal(GoldenVectors.DeviceId, r.DeviceId);
        Assert.Null(r.Accel);
    }

    [Fact]
    public void DecodeExpected_InvalidBytes_ReportsTheDecodeFailureNotWrongType()
    {
        byte[] bytes = Codec.FromHex(Hex(Accel))[..10];

        Assert.Equal(DecodeStatus.BadCrc, WireDecoder.Decode(bytes, 0, bytes.Length, MessageType.Status).Status);
    }

    public static TheoryData<string, string, Action<List<byte>>> BadRanges() => new()
    {
        { "id length 0", Event, b => { b[2] = 0; b.RemoveRange(3, 7); } },
        { "id length 33", Event, b => { b[2] = 33; b.InsertRange(3, Enumerable.Repeat((byte)'a', 26)); } },
        { "id with '/'", Event, b => b[5] = (byte)'/' },
        { "id with '+'", Event, b => b[5] = (byte)'+' },
        { "id with NUL", Event, b => b[5] = 0 },
        { "id with 0xE9", Event, b => b[5] = 0xE9 },
        { "accel range 3", Accel, b => b[B + 16] = 3 },
        { "accel range 0", Accel, b => b[B + 16] = 0 },
        { "accel range 32", Accel, b => b[B + 16] = 32 },
        { "accel period 999", Accel, b => Set16(b, B + 12, 999) },
        { "accel period 1000001", Accel, b => { Set16(b, B + 12, 1_000_001 & 0xFFFF); Set16(b, B + 14, 1_000_001 >> 16); } },
        { "accel flag bit 2", Accel, b => b[B + 17] = 0x04 },
        { "accel flag bit 7", Accel, b => b[B + 17] = 0x80 },
        { "status state of charge 101", Status, b => b[B + 10] = 101 },
        { "status state of charge 254", Status, b => b[B + 10] = 254 },
        { "status flag bit 5", Status, b => b[B + 11] = 0x21 },
        { "status fault active without a fault", Status, b => b[B + 11] = 0x11 },
        { "status mode 2", Status, b => b[B + 13] = 2 },
        { "status fault code 8", Status, b => b[B + 30] = 8 },
        { "status fault code 255", Status, b => b[B + 30] = 255 },
        { "status firmware length 17", Status, b => { b[B + 34] = 17; b.AddRange("123456789012"u8.ToArray()); } },
        { "status firmware char 0x7F", Status, b => b[B + 35] = 0x7F },
        { "status firmware char 0x1F", Status, b => b[B + 36] = 0x1F },
        { "event kind 0", Event, b => b[B + 4] = 0 },
        { "event kind 6", Event, b => b[B + 4] = 6 },
        { "config mode 2", Config, b => b[B + 4] = 2 },
        { "config rate 0", Config, b => Set16(b, B + 5, 0) },
        { "config rate 1001", Config, b => Set16(b, B + 5, 1001) },
        { "config range 1", Config, b => b[B + 7] = 1 },
        { "config batch 99 ms", Config, b => Set16(b, B + 8, 99) },
        { "config batch 60001 ms", Config, b => Set16(b, B + 8, 60001) },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public void Decode_FieldOutOfRange_IsBadRange(string field, string vector, Action<List<byte>> edit)
    {
        DecodeResult r = WireDecoder.Decode(Edited(Hex(vector), edit));

        Assert.True(r.Status == DecodeStatus.BadRange, $"{field}: got {r.Status}");
        Assert.Null(Codec.Message(r));
    }

    public static TheoryData<string, string, Action<List<byte>>> EdgeValues() => new()
    {
        { "state of charge 255 (unknown)", Status, b => b[B + 10] = 255 },
        { "state of charge 100", Status, b => b[B + 10] = 100 },
        { "all status flags", Status, b => { b[B + 11] = 0x1F; b[B + 30] = 7; } },
        { "status fault code 7 with detail and count at their maximum", Status, b => { b[B + 30] = 7; b[B + 31] = 255; Set16(b, B + 32, 0xFFFF); } },
        { "empty firmware version", Status, b => { b[B + 34] = 0; b.RemoveRange(B + 35, 5); } },
        { "status activity at its maximum", Status, b => { Set16(b, B + 26, 0xFFFF); Set16(b, B + 28, 0xFFFF); } },
        { "accel period 1000", Accel, b => Set16(b, B + 12, 1000) },
        { "accel period 1000000", Accel, b => { Set16(b, B + 12, 1_000_000 & 0xFFFF); Set16(b, B + 14, 1_000_000 >> 16); } },
        { "accel range 2", Accel, b => b[B + 16] = 2 },
        { "test press", Event, b => b[B + 4] = 4 },
        { "config rate 1", Config, b => Set16(b, B + 5, 1) },
        { "config rate 1000", Config, b => Set16(b, B + 5, 1000) },
        { "config batch 100 ms", Config, b => Set16(b, B + 8, 100) },
        { "config batch 60000 ms", Config, b => Set16(b, B + 8, 60000) },
        { "id with '_' and '-'", Event, b => { b[4] = (byte)'_'; b[5] = (byte)'-'; } },
    };

    [Theory]
    [MemberData(nameof(EdgeValues))]
    public void Decode_FieldAtEdgeOfRange_IsOkAndReEncodesToTheSameBytes(string field, string vector, Action<List<byte>> edit)
    {
        byte[] bytes = Edited(Hex(vector), edit);

        DecodeResult r = WireDecoder.Decode(bytes);

        Assert.True(r.IsOk, $"{field}: got {r.Status}");
        Assert.Equal(Codec.Hex(bytes), Codec.Hex(Codec.Encode(Codec.Message(r)!)));
    }

    [Fact]
    public void Decode_BadRangeAfterId_StillReportsTypeAndDevice()
    {
        DecodeResult r = WireDecoder.Decode(Edited(Hex(Accel), b => b[B + 16] = 3));

        Assert.Equal(MessageType.Accel, r.Type);
        Assert.Equal(GoldenVectors.DeviceId, r.DeviceId);
    }

    [Fact]
    public void Decode_LargestAccel_IsOkAndWithinLimit()
    {
        var m = new AccelBatch
        {
            DeviceId = new string('d', WireFormat.MaxIdLength),
            SamplePeriodUs = 20_000,
            RangeG = 16,
            SampleCount = WireFormat.MaxSamplesPerBatch,
            Samples = new short[3 * WireFormat.MaxSamplesPerBatch],
        };

        byte[] bytes = WireEncoder.ToBytes(m);

        Assert.Equal(1595, bytes.Length);
        Assert.True(WireDecoder.Decode(bytes).IsOk);
    }

    [Fact]
    public void Decode_BadArguments_ThrowArgumentException()
    {
        Assert.Throws<ArgumentNullException>(() => WireDecoder.Decode(null!));
        Assert.Throws<ArgumentException>(() => WireDecoder.Decode(null!, 0, 0));
        Assert.Throws<ArgumentException>(() => WireDecoder.Decode(new byte[10], -1, 5));
        Assert.Throws<ArgumentException>(() => WireDecoder.Decode(new byte[10], 6, 5));
        Assert.Throws<ArgumentException>(() => WireDecoder.Decode(new byte[10], 0, -1));
        Assert.Throws<ArgumentException>(() => WireDecoder.Decode(new byte[10], int.MaxValue, int.MaxValue));
    }

    [Theory]
    [InlineData(DecodeStatus.Ok, "ok")]
    [InlineData(DecodeStatus.Truncated, "truncated")]
    [InlineData(DecodeStatus.BadCrc, "bad_crc")]
    [InlineData(DecodeStatus.UnknownVersion, "unknown_version")]
    [InlineData(DecodeStatus.CountMismatch, "count_mismatch")]
    [InlineData(DecodeStatus.Oversize, "oversize")]
    [InlineData(DecodeStatus.BadRange, "bad_range")]
    [InlineData(DecodeStatus.UnknownType, "unknown_type")]
    [InlineData(DecodeStatus.WrongType, "wrong_type")]
    [InlineData((DecodeStatus)99, "unknown_status")]
    public void Name_EachStatus_IsStableSnakeCase(DecodeStatus status, string name)
    {
        Assert.Equal(name, DecodeResult.Name(status));
    }
}
