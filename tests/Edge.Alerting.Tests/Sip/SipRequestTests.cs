using System.Text;
using Edge.Alerting.Sip;

namespace Edge.Alerting.Tests.Sip;

public class SipRequestTests
{
    private static readonly SipOptions Options = new() { Domain = "pbx.local", FromUser = "edge", FromDisplayName = "Edge" };

    [Fact]
    public void BuildRequest_Message_HasEveryMandatoryHeaderAndExactLength()
    {
        var body = "Sturz: Frau Müller, Zimmer 12";
        var text = SipMessageChannel.BuildRequest(Options, "sip:2001@pbx.local", "10.0.0.2", 5070, "z9hG4bKabc", "cid@10.0.0.2", "tag1", 1, body, null, null);
        var head = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var lines = head.Split("\r\n");

        Assert.Equal("MESSAGE sip:2001@pbx.local SIP/2.0", lines[0]);
        Assert.Contains("Via: SIP/2.0/UDP 10.0.0.2:5070;branch=z9hG4bKabc;rport", lines);
        Assert.Contains("Max-Forwards: 70", lines);
        Assert.Contains("From: \"Edge\" <sip:edge@pbx.local>;tag=tag1", lines);
        Assert.Contains("To: <sip:2001@pbx.local>", lines);
        Assert.Contains("Call-ID: cid@10.0.0.2", lines);
        Assert.Contains("CSeq: 1 MESSAGE", lines);
        Assert.Contains("Content-Type: text/plain;charset=UTF-8", lines);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}", lines);
        Assert.EndsWith("\r\n\r\n" + body, text, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRequest_WithAuthorization_AddsHeader()
    {
        var text = SipMessageChannel.BuildRequest(Options, "sip:2001@pbx.local", "h", 1, "z9hG4bKx", "c", "t", 2, "x", "Proxy-Authorization", "Digest username=\"u\"");
        Assert.Contains("\r\nProxy-Authorization: Digest username=\"u\"\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nCSeq: 2 MESSAGE\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseResponse_CompactViaAndChallenge_Parsed()
    {
        var datagram = Encoding.UTF8.GetBytes("SIP/2.0 401 Unauthorized\r\nv: SIP/2.0/UDP 10.0.0.2:5070;branch=z9hG4bKabc;rport=5070;received=10.0.0.2\r\nCSeq: 1 MESSAGE\r\nWWW-Authenticate: Digest realm=\"pbx\", nonce=\"n\"\r\nContent-Length: 0\r\n\r\n");
        var r = SipResponse.Parse(datagram);
        Assert.NotNull(r);
        Assert.Equal((401, "Unauthorized", "z9hG4bKabc", "MESSAGE"), (r.StatusCode, r.Reason, r.Branch, r.CSeqMethod));
        Assert.StartsWith("Digest", r.Headers["WWW-Authenticate"], StringComparison.Ordinal);
    }

    [Fact]
    public void ParseResponse_Request_Null()
    {
        Assert.Null(SipResponse.Parse(Encoding.UTF8.GetBytes("MESSAGE sip:x@y SIP/2.0\r\n\r\n")));
    }

    [Fact]
    public void Validate_BadOptions_ReportsEveryError()
    {
        var o = new SipOptions { LocalAddress = "nope", Domain = "", ProxyHost = "", Username = "u", T1 = TimeSpan.FromSeconds(5), T2 = TimeSpan.FromSeconds(1), CancelTextFormat = "x" };
        var errors = o.Validate();
        Assert.Equal(5, errors.Count);
    }
}
