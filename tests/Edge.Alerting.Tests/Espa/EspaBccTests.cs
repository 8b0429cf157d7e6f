using Edge.Alerting.Espa;

namespace Edge.Alerting.Tests.Espa;

public class EspaBccTests
{
    private static byte[] Bytes(params object[] parts)
    {
        var list = new List<byte>();
        foreach (var p in parts)
        {
            switch (p)
            {
                case byte b: list.Add(b); break;
                case char c: list.Add((byte)c); break;
                case string s: list.AddRange(s.Select(ch => (byte)ch)); break;
                default: throw new ArgumentException("bad part");
            }
        }

        return [.. list];
    }

    [Fact]
    public void Compute_SpecVectorSingleRecord_Is0x5F()
    {
        var frame = Bytes(EspaControl.Soh, '1', EspaControl.Stx, '1', EspaControl.Us, 'A', EspaControl.Etx);
        Assert.Equal(0x5F, EspaBcc.Compute(frame));
    }

    [Fact]
    public void Compute_SpecVectorFullCall_Is0x23()
    {
        byte us = EspaControl.Us, rs = EspaControl.Rs;
        var frame = Bytes(EspaControl.Soh, '1', EspaControl.Stx, '1', us, "550", rs, '2', us, "CALL ME 101", rs, '3', us, '3', rs,
            '4', us, '3', rs, '5', us, '3', rs, '6', us, '3', EspaControl.Etx);
        Assert.Equal(0x23, EspaBcc.Compute(frame));
    }

    [Fact]
    public void Compute_SpecVectorBccEqualsNak_Is0x15()
    {
        byte[] frame = [0x01, 0x31, 0x02, 0x31, 0x1F, 0x32, 0x39, 0x03];
        Assert.Equal(EspaControl.Nak, EspaBcc.Compute(frame));
    }

    [Fact]
    public void Compute_WithoutLeadingSoh_SameResult()
    {
        byte[] withSoh = [0x01, 0x31, 0x02, 0x31, 0x1F, 0x41, 0x03];
        Assert.Equal(EspaBcc.Compute(withSoh), EspaBcc.Compute(withSoh.AsSpan(1)));
    }

    [Fact]
    public void Encode_SpecFullCall_MatchesBytesAndBcc()
    {
        var block = new EspaBlock('1', [new('1', "550"), new('2', "CALL ME 101"), new('3', "3"), new('4', "3"), new('5', "3"), new('6', "3")]);
        var bytes = block.Encode();
        Assert.Equal(EspaControl.Soh, bytes[0]);
        Assert.Equal((byte)'1', bytes[1]);
        Assert.Equal(EspaControl.Stx, bytes[2]);
        Assert.Equal(EspaControl.Etx, bytes[^2]);
        Assert.Equal(0x23, bytes[^1]);
        Assert.DoesNotContain(EspaControl.Rs, bytes[^3..^1]); // no RS before ETX
    }

    [Fact]
    public void Encode_BccNakVector_EndsWithNakValue()
    {
        var bytes = new EspaBlock('1', [new('1', "29")]).Encode();
        Assert.Equal([0x01, 0x31, 0x02, 0x31, 0x1F, 0x32, 0x39, 0x03, 0x15], bytes);
    }

    [Fact]
    public void Encode_ControlCharacterInData_Throws()
    {
        var block = new EspaBlock('1', [new('1', "55"), new('2', "bad\u0003text")]);
        Assert.Throws<ArgumentException>(() => block.Encode());
    }

    [Fact]
    public void TryParse_RsBeforeEtx_Accepted()
    {
        byte[] frame = [0x01, (byte)'2', 0x02, (byte)'1', 0x1F, (byte)'5', (byte)'5', 0x1E, (byte)'7', 0x1F, (byte)'6', 0x1E, 0x03];
        Assert.True(EspaBlock.TryParse(frame, out var block, out var error), error);
        Assert.Equal('2', block!.Header);
        Assert.Equal("55", block.Get('1'));
        Assert.Equal("6", block.Get('7'));
        Assert.Equal(2, block.Records.Count);
    }

    [Fact]
    public void TryParse_RecordWithoutUs_Rejected()
    {
        byte[] frame = [0x01, (byte)'1', 0x02, (byte)'1', (byte)'5', 0x03];
        Assert.False(EspaBlock.TryParse(frame, out _, out var error));
        Assert.Contains("US", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeThenParse_RoundTrips()
    {
        var block = new EspaBlock('1', [new('1', "1234567890123456"), new('2', "Fall: room 12, Mrs Mueller"), new('4', "3"), new('6', "1")]);
        var bytes = block.Encode();
        Assert.True(EspaBlock.TryParse(bytes.AsSpan(0, bytes.Length - 1), out var parsed, out _));
        Assert.Equal(block.Header, parsed!.Header);
        Assert.Equal(block.Records, parsed.Records);
    }
}
