using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Provisioning.Crypto;

namespace Edge.Provisioning.Tests.Crypto;

public sealed class SiteCertificatesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void CreateServerCertificate_ChainsToTheSiteCaAndNamesEveryHost()
    {
        PemPair ca = SiteCertificates.CreateCa("oak", Now);
        PemPair server = SiteCertificates.CreateServerCertificate(ca, ["edge-gw.local", "192.168.1.10"], Now);

        using X509Certificate2 caCert = X509Certificate2.CreateFromPem(ca.CertificatePem);
        using X509Certificate2 cert = X509Certificate2.CreateFromPem(server.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(caCert);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.AddDays(1).UtcDateTime;

        Assert.True(chain.Build(cert), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(cert.MatchesHostname("edge-gw.local"));
        Assert.True(cert.MatchesHostname("192.168.1.10"));
        Assert.False(cert.MatchesHostname("other.local"));
        var eku = Assert.Single(cert.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Contains(eku.EnhancedKeyUsages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");
        var san = Assert.Single(cert.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Contains(IPAddress.Parse("192.168.1.10"), san.EnumerateIPAddresses());
    }

    [Fact]
    public void CreateServerCertificate_AnotherSitesCa_DoesNotValidate()
    {
        PemPair ca = SiteCertificates.CreateCa("oak", Now);
        PemPair other = SiteCertificates.CreateCa("elm", Now);
        PemPair server = SiteCertificates.CreateServerCertificate(ca, ["127.0.0.1"], Now);

        using X509Certificate2 otherCert = X509Certificate2.CreateFromPem(other.CertificatePem);
        using X509Certificate2 cert = X509Certificate2.CreateFromPem(server.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(otherCert);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.False(chain.Build(cert));
    }

    [Fact]
    public void CreateCa_IsAP256CaLimitedToSigningEndEntities()
    {
        PemPair ca = SiteCertificates.CreateCa("oak", Now);

        using X509Certificate2 cert = X509Certificate2.CreateFromPem(ca.CertificatePem, ca.PrivateKeyPem);
        var constraints = Assert.Single(cert.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        using ECDsa? key = cert.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.True(cert.NotAfter > Now.AddYears(19).UtcDateTime);
        Assert.Contains("PRIVATE KEY", ca.PrivateKeyPem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edge-gw.local", true)]
    [InlineData("192.168.1.10", true)]
    [InlineData("fe80::1", true)]
    [InlineData("gw", true)]
    [InlineData("bad host", false)]
    [InlineData("-gw.local", false)]
    [InlineData("", false)]
    public void IsValidHost_Examples(string host, bool expected)
    {
        Assert.Equal(expected, SiteCertificates.IsValidHost(host));
    }
}
