using Edge.Alerting.Espa;

namespace Edge.Alerting.Tests.Espa;

public class EspaTokenizerTests
{
    private static List<EspaToken> Feed(EspaTokenizer t, params byte[] bytes) =>
        bytes.Select(t.Feed).Where(x => x is not null).Select(x => x!.Value).ToList();

    [Fact]
    public void Feed_BlockWhoseBccIsNak_YieldsValidBlockNotNak()
    {
        var t = new EspaTokenizer();
        var tokens = Feed(t, 0x01, 0x31, 0x02, 0x31, 0x1F, 0x32, 0x39, 0x03, 0x15);
        var token = Assert.Single(tokens);
        Assert.Equal(EspaTokenType.Block, token.Type);
        Assert.Equal(0x15, token.Bcc);
        Assert.True(token.BccValid);
    }

    [Theory]
    [InlineData(EspaControl.Eot)]
    [InlineData(EspaControl.Ack)]
    [InlineData(EspaControl.Enq)]
    [InlineData(EspaControl.Soh)]
    public void Feed_BccWithControlValue_IsReadAsBcc(byte bcc)
    {
        var t = new EspaTokenizer();
        var tokens = Feed(t, 0x01, 0x31, 0x02, 0x31, 0x1F, 0x41, 0x03, bcc, EspaControl.Eot);
        Assert.Equal(2, tokens.Count);
        Assert.Equal(EspaTokenType.Block, tokens[0].Type);
        Assert.Equal(bcc, tokens[0].Bcc);
        Assert.Equal(EspaTokenType.Eot, tokens[1].Type);
    }

    [Fact]
    public void Feed_BadBcc_BlockMarkedInvalid()
    {
        var t = new EspaTokenizer();
        var token = Assert.Single(Feed(t, 0x01, 0x31, 0x02, 0x31, 0x1F, 0x41, 0x03, 0x60));
        Assert.False(token.BccValid);
    }

    [Fact]
    public void Feed_Select_YieldsTwoEnqWithPositions()
    {
        var t = new EspaTokenizer();
        var tokens = Feed(t, EspaControl.Eot, (byte)'1', EspaControl.Enq, (byte)'2', EspaControl.Enq);
        Assert.Equal([EspaTokenType.Eot, EspaTokenType.Enq, EspaTokenType.Enq], tokens.Select(x => x.Type));
        Assert.Equal(('1', 0), (tokens[1].Address, tokens[1].AfterEot));
        Assert.Equal(('2', 1), (tokens[2].Address, tokens[2].AfterEot));
    }

    [Fact]
    public void Feed_Poll_YieldsEnqAtPositionZero()
    {
        var t = new EspaTokenizer();
        var tokens = Feed(t, EspaControl.Eot, (byte)'2', EspaControl.Enq);
        Assert.Equal(('2', 0), (tokens[1].Address, tokens[1].AfterEot));
    }

    [Theory]
    [InlineData('1')]
    [InlineData('2')]
    [InlineData('3')]
    public void Feed_CodedNak_CarriesCode(char code)
    {
        var t = new EspaTokenizer();
        var token = Assert.Single(Feed(t, (byte)code, EspaControl.Nak));
        Assert.Equal(EspaTokenType.Nak, token.Type);
        Assert.Equal(code, token.Address);
    }

    [Fact]
    public void Feed_NoiseBetweenTokens_Ignored()
    {
        var t = new EspaTokenizer();
        var tokens = Feed(t, (byte)'x', 0xFF, EspaControl.Ack, (byte)'9', (byte)'z', EspaControl.Eot);
        Assert.Equal([EspaTokenType.Ack, EspaTokenType.Eot], tokens.Select(x => x.Type));
        Assert.True(t.DiscardedBytes >= 3);
    }

    [Fact]
    public void Feed_OversizedBlock_Discarded()
    {
        var t = new EspaTokenizer(maxBlockLength: 16);
        var bytes = new List<byte> { 0x01, 0x31, 0x02 };
        bytes.AddRange(Enumerable.Repeat((byte)'A', 40));
        bytes.AddRange([0x03, 0x00, EspaControl.Ack]);
        var tokens = Feed(t, [.. bytes]);
        Assert.Equal([EspaTokenType.Ack], tokens.Select(x => x.Type));
    }
}
