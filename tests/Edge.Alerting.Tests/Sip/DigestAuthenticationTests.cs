using Edge.Alerting.Sip;

namespace Edge.Alerting.Tests.Sip;

public class DigestAuthenticationTests
{
    [Fact]
    public void ComputeResponse_Rfc2617Section3_5_MatchesVector()
    {
        var response = DigestAuthentication.ComputeResponse("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b");
        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    [Fact]
    public void ComputeResponse_Rfc7616Section3_9_1Md5_MatchesVector()
    {
        var response = DigestAuthentication.ComputeResponse("MD5", "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html",
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Equal("8ca523f5e9506fed4657c9700eebdbec", response);
    }

    [Fact]
    public void ComputeResponse_Rfc7616Section3_9_1Sha256_MatchesVector()
    {
        var response = DigestAuthentication.ComputeResponse("SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html",
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Equal("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", response);
    }

    [Fact]
    public void ComputeResponse_NoQop_Rfc2069Form()
    {
        // H(HA1:nonce:HA2) with HA1 = H(Mufasa:testrealm@host.com:Circle Of Life), HA2 = H(GET:/dir/index.html).
        var response = DigestAuthentication.ComputeResponse("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093", null, null, null);
        Assert.Equal("670fd8c2df070c60b045671b8b24ff02", response);
    }

    [Fact]
    public void Parse_KamailioStyleChallenge_ReadsEveryField()
    {
        var c = DigestChallenge.Parse("Digest realm=\"127.0.0.1\", nonce=\"Zk1x+Zk1w9GmVv==\", qop=\"auth,auth-int\", opaque=\"o\\\"q\", algorithm=MD5, stale=true");
        Assert.NotNull(c);
        Assert.Equal(("127.0.0.1", "Zk1x+Zk1w9GmVv==", "auth", "o\"q", "MD5", true), (c.Realm, c.Nonce, c.Qop, c.Opaque, c.Algorithm, c.Stale));
    }

    [Fact]
    public void Parse_BasicOrAuthIntOnly_Null()
    {
        Assert.Null(DigestChallenge.Parse("Basic realm=\"x\""));
        Assert.Null(DigestChallenge.Parse("Digest realm=\"x\", nonce=\"n\", qop=\"auth-int\""));
    }

    [Fact]
    public void BuildAuthorization_WithQop_HasNcCnonceAndResponse()
    {
        var c = new DigestChallenge("testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "5ccc069c403ebaf9f0171e9517f40e41", "MD5", "auth", false);
        var header = DigestAuthentication.BuildAuthorization(c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b");
        Assert.Contains("response=\"6629fae49393a05397450978507c4ef1\"", header, StringComparison.Ordinal);
        Assert.Contains("nc=00000001", header, StringComparison.Ordinal);
        Assert.Contains("cnonce=\"0a4f113b\"", header, StringComparison.Ordinal);
        Assert.Contains("qop=auth", header, StringComparison.Ordinal);
        Assert.Contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", header, StringComparison.Ordinal);
        Assert.StartsWith("Digest username=\"Mufasa\"", header, StringComparison.Ordinal);
    }
}
