using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Edge.Provisioning.Crypto;

/// <summary>A certificate and its private key, both PEM.</summary>
/// <param name="CertificatePem">The certificate (PEM "CERTIFICATE").</param>
/// <param name="PrivateKeyPem">The unencrypted PKCS#8 private key (PEM "PRIVATE KEY"). A secret.</param>
public sealed record PemPair(string CertificatePem, string PrivateKeyPem);

/// <summary>
/// The site's private CA and the broker's server certificate, ECDSA P-256 with SHA-256, made with
/// <see cref="CertificateRequest"/>. P-256 is what the ESP32's mbedTLS in nanoFramework handles fast,
/// and Mosquitto (OpenSSL 3) accepts it.
/// </summary>
public static class SiteCertificates
{
    /// <summary>CA lifetime. Sensors trust this CA; replacing it means reflashing every sensor.</summary>
    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(20 * 365);

    /// <summary>
    /// Broker certificate lifetime. A sensor with a clock refuses an expired broker certificate and the
    /// whole site goes offline, so this is long; renewing it needs no reflash (sensors trust the CA).
    /// </summary>
    public static readonly TimeSpan ServerValidity = TimeSpan.FromDays(5 * 365);

    /// <summary>Creates the site's self-signed CA (path length 0: it signs only end-entity certificates).</summary>
    public static PemPair CreateCa(string siteId, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            new X500DistinguishedName($"CN=Edge site CA {siteId}, O=Edge fall detection"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using X509Certificate2 cert = request.CreateSelfSigned(now.AddMinutes(-5), now + CaValidity);
        return new PemPair(cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// Issues the broker's server certificate for <paramref name="hosts"/> (DNS names and IP addresses,
    /// all put in the subject alternative name), signed by the CA.
    /// </summary>
    public static PemPair CreateServerCertificate(PemPair ca, IReadOnlyList<string> hosts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Count == 0)
        {
            throw new ArgumentException("At least one host name or IP address is needed.", nameof(hosts));
        }

        using X509Certificate2 caCert = X509Certificate2.CreateFromPem(ca.CertificatePem, ca.PrivateKeyPem);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            new X500DistinguishedName($"CN={hosts[0]}, O=Edge fall detection"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCert, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (string host in hosts)
        {
            if (IPAddress.TryParse(host, out IPAddress? ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(san.Build(true));

        DateTimeOffset notAfter = now + ServerValidity;
        if (notAfter > caCert.NotAfter)
        {
            notAfter = caCert.NotAfter;
        }

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using X509Certificate2 cert = request.Create(caCert, now.AddMinutes(-5), notAfter, serial);
        return new PemPair(cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>True for a host name (RFC 1123 labels) or an IP address usable in the certificate.</summary>
    public static bool IsValidHost(string host)
    {
        if (string.IsNullOrEmpty(host) || host.Length > 253)
        {
            return false;
        }

        if (IPAddress.TryParse(host, out _))
        {
            return true;
        }

        foreach (string label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
