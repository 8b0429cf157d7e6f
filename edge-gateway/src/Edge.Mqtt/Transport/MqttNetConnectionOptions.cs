using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Mqtt.Transport;

/// <summary>
/// Turns <see cref="MqttClientOptions"/> into MQTTnet's options, once per client. TLS: the broker's chain
/// must end at the configured CA (and only there: a custom root store, not the system's), and the
/// certificate must name the host; there is no switch to turn that off.
/// </summary>
internal sealed class MqttNetConnectionOptions
{
    private readonly MqttClientOptions _options;
    private string? _lastCertificateProblem;

    public MqttNetConnectionOptions(MqttClientOptions options, string clientId)
    {
        _options = options;
        var net = new MQTTnet.MqttClientOptions
        {
            ClientId = clientId,
            ProtocolVersion = options.ProtocolVersion == MqttProtocolVersion.V500 ? MQTTnet.Formatter.MqttProtocolVersion.V500 : MQTTnet.Formatter.MqttProtocolVersion.V311,
            CleanSession = options.CleanSession,
            KeepAlivePeriod = options.KeepAlive,
            Timeout = options.ConnectTimeout,
            ChannelOptions = new MqttClientTcpOptions
            {
                RemoteEndpoint = new DnsEndPoint(options.Host, options.Port),
                NoDelay = true,
                BufferSize = options.SocketBufferSize,
                // MQTTnet's default (linger on, 0 s) closes with RST, which can discard a DISCONNECT the
                // broker has not read yet, so it would publish the will after a clean close. Close gracefully.
                LingerState = new LingerOption(false, 0),
                TlsOptions = options.Tls is { } tls ? BuildTls(tls, options.Host) : new MqttClientTlsOptions { UseTls = false },
            },
        };

        if (options.ProtocolVersion == MqttProtocolVersion.V500)
        {
            // MQTT 5 ends a session at disconnect unless it has an expiry; "never" is what 3.1.1's
            // clean_session=false means (the broker's persistent_client_expiration still applies).
            net.SessionExpiryInterval = options.CleanSession ? 0 : uint.MaxValue;
            net.ReceiveMaximum = (ushort)options.ReceiveMaximum;
        }

        if (options.Username is not null)
        {
            net.Credentials = new MqttClientCredentials(options.Username, options.Password is null ? null : Encoding.UTF8.GetBytes(options.Password));
        }

        if (options.Will is { } will)
        {
            net.WillTopic = will.Topic;
            net.WillPayload = will.Payload;
            net.WillQualityOfServiceLevel = (MqttQualityOfServiceLevel)will.Qos;
            net.WillRetain = will.Retain;
        }

        Net = net;
    }

    /// <summary>The MQTTnet options (shared by every connect attempt of one client).</summary>
    public MQTTnet.MqttClientOptions Net { get; }

    /// <summary>Why the last certificate check refused the broker, or null; cleared by <see cref="TakeCertificateProblem"/>.</summary>
    public string? TakeCertificateProblem() => Interlocked.Exchange(ref _lastCertificateProblem, null);

    private MqttClientTlsOptions BuildTls(MqttTlsOptions tls, string host)
    {
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(tls.CaFile);
        if (ca.Count == 0)
        {
            throw new MqttException($"Mqtt:Tls:CaFile '{tls.CaFile}' holds no PEM certificate.");
        }

        var options = new MqttClientTlsOptions
        {
            UseTls = true,
            TargetHost = host,
            TrustChain = ca,
            // A site CA has no CRL or OCSP responder; the chain and host name are what is checked.
            RevocationMode = X509RevocationMode.NoCheck,
            IgnoreCertificateRevocationErrors = true,
            CertificateValidationHandler = Validate,
        };

        if (!string.IsNullOrEmpty(tls.CertFile))
        {
            var certificate = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
            options.ClientCertificatesProvider = new StaticCertificates(new X509Certificate2Collection(certificate));
        }

        return options;
    }

    // SslStream has already built the chain against the CA above (custom root trust); anything it
    // reports is a refusal. The reason is kept so the connect error says what was wrong.
    private bool Validate(MqttClientCertificateValidationEventArgs e)
    {
        if (e.SslPolicyErrors == SslPolicyErrors.None)
        {
            return true;
        }

        var problems = new List<string>();
        if (e.SslPolicyErrors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            problems.Add("the broker sent no certificate");
        }

        if (e.SslPolicyErrors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add($"the certificate does not name '{_options.Host}'");
        }

        if (e.SslPolicyErrors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = e.Chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
            problems.Add($"the chain does not end at the configured CA ({(statuses.Length == 0 ? "chain error" : string.Join(", ", statuses))})");
        }

        var subject = e.Certificate is null ? "(none)" : e.Certificate.Subject;
        Volatile.Write(ref _lastCertificateProblem, $"certificate verify failed for '{subject}': {string.Join("; ", problems)}");
        return false;
    }

    private sealed class StaticCertificates(X509Certificate2Collection certificates) : IMqttClientCertificatesProvider
    {
        public X509CertificateCollection GetCertificates() => certificates;
    }
}
