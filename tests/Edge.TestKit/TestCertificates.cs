using System.Diagnostics;

namespace Edge.TestKit;

/// <summary>
/// Test PKI made with the <c>openssl</c> CLI: a CA, a server certificate for 127.0.0.1/localhost signed
/// by it, a client certificate signed by it, and a second, unrelated CA (for the "wrong CA" test).
/// EC P-256 keys, valid for two days.
/// </summary>
public sealed class TestCertificates
{
    private TestCertificates(string dir)
    {
        Directory = dir;
    }

    /// <summary>The folder holding the files.</summary>
    public string Directory { get; }

    /// <summary>The test CA certificate (PEM).</summary>
    public string CaCert => Path.Combine(Directory, "ca.crt");

    /// <summary>The broker certificate, SAN IP:127.0.0.1 and DNS:localhost.</summary>
    public string ServerCert => Path.Combine(Directory, "server.crt");

    /// <summary>The broker key (unencrypted).</summary>
    public string ServerKey => Path.Combine(Directory, "server.key");

    /// <summary>A client certificate signed by the test CA.</summary>
    public string ClientCert => Path.Combine(Directory, "client.crt");

    /// <summary>The client key (unencrypted).</summary>
    public string ClientKey => Path.Combine(Directory, "client.key");

    /// <summary>A CA that signed nothing here.</summary>
    public string OtherCaCert => Path.Combine(Directory, "other-ca.crt");

    /// <summary>Broker config lines for a TLS listener with these files (add <c>require_certificate true</c> for mTLS).</summary>
    public IReadOnlyList<string> BrokerConfig =>
        [$"cafile {CaCert}", $"certfile {ServerCert}", $"keyfile {ServerKey}"];

    /// <summary>Generates the files into <paramref name="directory"/>.</summary>
    public static async Task<TestCertificates> CreateAsync(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var c = new TestCertificates(directory);
        string[] ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        await OpenSsl([.. Args("req", "-x509"), .. ec, "-keyout", P("ca.key"), "-out", c.CaCert, "-days", "2", "-subj", "/CN=Edge Test CA"]).ConfigureAwait(false);
        await OpenSsl([.. Args("req", "-x509"), .. ec, "-keyout", P("other-ca.key"), "-out", c.OtherCaCert, "-days", "2", "-subj", "/CN=Unrelated Test CA"]).ConfigureAwait(false);

        await File.WriteAllTextAsync(P("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n").ConfigureAwait(false);
        await OpenSsl(["req", .. ec, "-keyout", c.ServerKey, "-out", P("server.csr"), "-subj", "/CN=localhost"]).ConfigureAwait(false);
        await OpenSsl(["x509", "-req", "-in", P("server.csr"), "-CA", c.CaCert, "-CAkey", P("ca.key"), "-CAcreateserial", "-out", c.ServerCert, "-days", "2", "-extfile", P("server.ext")]).ConfigureAwait(false);

        await File.WriteAllTextAsync(P("client.ext"), "extendedKeyUsage=clientAuth\n").ConfigureAwait(false);
        await OpenSsl(["req", .. ec, "-keyout", c.ClientKey, "-out", P("client.csr"), "-subj", "/CN=edge-test-client"]).ConfigureAwait(false);
        await OpenSsl(["x509", "-req", "-in", P("client.csr"), "-CA", c.CaCert, "-CAkey", P("ca.key"), "-CAcreateserial", "-out", c.ClientCert, "-days", "2", "-extfile", P("client.ext")]).ConfigureAwait(false);
        return c;

        string P(string name) => Path.Combine(directory, name);
        static string[] Args(params string[] a) => a;
    }

    private static async Task OpenSsl(string[] args)
    {
        var psi = new ProcessStartInfo("openssl")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("The openssl CLI is not installed (Debian package openssl). Run ./edge setup.", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
            }
        }
    }
}
