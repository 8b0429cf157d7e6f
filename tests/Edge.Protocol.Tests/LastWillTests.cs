using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Edge.Protocol.Tests;

/// <summary>The ASCII last will: golden bytes, parse rules, and properties against the framed messages.</summary>
public class LastWillTests
{
    private const int Cases = 10_000;

    private static void Check(string name, Property property) =>
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true).WithName(name));

    [Fact]
    public void Payload_GoldenDevice_IsTheGoldenBytes()
    {
        Assert.Equal(GoldenVectors.LastWillHex, Codec.Hex(LastWill.Payload(GoldenVectors.DeviceId)));
        Assert.Equal("offline:v1:m5-0001", LastWill.Text(GoldenVectors.DeviceId));
    }

    [Fact]
    public void Text_Utf8Encoded_IsExactlyThePayload()
    {
        // nanoFramework.M2Mqtt sends the will string UTF-8 encoded; ASCII survives that unchanged.
        string id = "Dev_32-characters-long-id-012345";

        Assert.Equal(LastWill.Payload(id), Encoding.UTF8.GetBytes(LastWill.Text(id)));
        Assert.Equal(LastWill.MaxSize, LastWill.Payload(id).Length);
        Assert.All(LastWill.Payload(id), b => Assert.InRange(b, (byte)0x20, (byte)0x7E));
    }

    [Fact]
    public void TryParse_GoldenBytes_ReturnsTheDevice()
    {
        byte[] bytes = Codec.FromHex(GoldenVectors.LastWillHex);

        Assert.True(LastWill.TryParse(bytes, 0, bytes.Length, out string id));
        Assert.Equal(GoldenVectors.DeviceId, id);
    }

    [Fact]
    public void TryParse_InsideLargerBuffer_ReadsOnlyItsRange()
    {
        byte[] will = LastWill.Payload("abc");
        byte[] buffer = [.. "xx"u8.ToArray(), .. will, .. "-d"u8.ToArray()];

        Assert.True(LastWill.TryParse(buffer, 2, will.Length, out string id));
        Assert.Equal("abc", id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("offline:v1:")]
    [InlineData("offline:v2:m5-0001")]
    [InlineData("Offline:v1:m5-0001")]
    [InlineData("offline:v1:m5/0001")]
    [InlineData("offline:v1:m5-0001 ")]
    [InlineData("offline:v1:+")]
    [InlineData("offline:v1:0123456789012345678901234567890123")]
    [InlineData("online:v1:m5-0001")]
    public void TryParse_NotExactlyAWill_IsFalseWithNullId(string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        Assert.False(LastWill.TryParse(bytes, 0, bytes.Length, out string id));
        Assert.Null(id);
    }

    [Fact]
    public void TryParse_NonAsciiByteInId_IsFalse()
    {
        byte[] bytes = [.. LastWill.Payload("m5-0001")];
        bytes[^1] = 0xB1; // '1' | 0x80

        Assert.False(LastWill.TryParse(bytes, 0, bytes.Length, out _));
    }

    [Fact]
    public void TryParse_RangeOutsideTheArray_ThrowsArgumentException()
    {
        byte[] bytes = LastWill.Payload("m5-0001");

        Assert.Throws<ArgumentException>(() => LastWill.TryParse(null!, 0, 0, out _));
        Assert.Throws<ArgumentException>(() => LastWill.TryParse(bytes, 1, bytes.Length, out _));
        Assert.Throws<ArgumentException>(() => LastWill.TryParse(bytes, -1, 2, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("#")]
    [InlineData("0123456789012345678901234567890123")]
    public void Payload_InvalidId_ThrowsArgumentException(string id)
    {
        Assert.Throws<ArgumentException>(() => LastWill.Payload(id));
        Assert.Throws<ArgumentException>(() => LastWill.Text(id));
    }

    [Fact]
    public void Decode_Will_IsRefusedAsUnknownVersion()
    {
        byte[] bytes = Codec.FromHex(GoldenVectors.LastWillHex);

        Assert.Equal(DecodeStatus.UnknownVersion, WireDecoder.Decode(bytes).Status);
    }

    [Fact]
    public void AnyValidId_RoundTripsAndNeverDecodesAsAMessage()
    {
        Check("will round trip", Prop.ForAll(ProtocolGen.Id.ToArbitrary(), id =>
        {
            byte[] will = LastWill.Payload(id);
            return LastWill.TryParse(will, 0, will.Length, out string back)
                && back == id
                && !WireDecoder.Decode(will).IsOk;
        }));
    }

    [Fact]
    public void AnyValidMessage_IsNeverAWill()
    {
        Check("message is not a will", Prop.ForAll(ProtocolGen.Message.ToArbitrary(), m =>
        {
            byte[] bytes = Codec.Encode(m);
            return !LastWill.TryParse(bytes, 0, bytes.Length, out string id) && id == null;
        }));
    }

    [Fact]
    public void RandomAndEditedBytes_ParseOnlyWhenTheyAreExactlyAWill()
    {
        // Edited wills (one byte changed, cut, or extended) and random bytes: a parse that succeeds
        // must name an id whose will is exactly these bytes (the form is canonical).
        Gen<byte[]> edited =
            from id in ProtocolGen.Id
            from kind in Gen.Choose(0, 2)
            from at in Gen.Choose(0, int.MaxValue)
            from value in ProtocolGen.U8
            select Edit(LastWill.Payload(id), kind, at, value);
        Gen<byte[]> gen = Gen.OneOf(edited, Gen.Choose(0, 60).SelectMany(n => Gen.ArrayOf(ProtocolGen.U8, n)));

        Check("edited wills", Prop.ForAll(gen.ToArbitrary(), bytes =>
            !LastWill.TryParse(bytes, 0, bytes.Length, out string id) || Codec.Hex(LastWill.Payload(id)) == Codec.Hex(bytes)));
    }

    private static byte[] Edit(byte[] will, int kind, int at, byte value)
    {
        int i = at % will.Length;
        switch (kind)
        {
            case 0:
                will[i] = value;
                return will;
            case 1:
                return will[..i];
            default:
                return [.. will, value];
        }
    }
}
