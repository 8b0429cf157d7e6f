using Microsoft.Extensions.Options;

namespace Edge.Mqtt;

/// <summary>Connection and queueing options for one MQTT client (one connection).</summary>
public sealed class MqttClientOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Mqtt";

    /// <summary>Broker host name or address.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker port (1883 plain, 8883 TLS by convention).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Client id. Required and fixed when <see cref="CleanSession"/> is false; random when null.</summary>
    public string? ClientId { get; set; }

    /// <summary>User name, or null for anonymous.</summary>
    public string? Username { get; set; }

    /// <summary>Password; requires <see cref="Username"/>.</summary>
    public string? Password { get; set; }

    /// <summary>TLS settings, or null for plain TCP. The server certificate and host name are always verified.</summary>
    public MqttTlsOptions? Tls { get; set; }

    /// <summary>Last will, published by the broker when this client vanishes without DISCONNECT.</summary>
    public MqttWillOptions? Will { get; set; }

    /// <summary>Keep-alive interval (5 s to 18 h).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// False for a persistent session: the broker keeps subscriptions and queues QoS 1/2 messages while the
    /// client is away. Requires a fixed <see cref="ClientId"/>.
    /// </summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>
    /// MQTT 3.1.1 (the default, what the wearables speak) or 5.0. The gateway uses 5.0 for
    /// <see cref="ReceiveMaximum"/>: with 3.1.1 the broker's global <c>max_inflight_messages</c> (20 by
    /// default) bounds how many unacknowledged messages a subscriber may hold.
    /// </summary>
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V311;

    /// <summary>
    /// MQTT 5.0 only: how many QoS 1/2 messages the broker may send this client before it acknowledges
    /// them (1–65535; 0 leaves it to the broker, which then allows 65535). With
    /// <see cref="ManualAcknowledgement"/> this is the window of held messages; beyond it the broker
    /// keeps further messages queued in the session (bounded by its <c>max_queued_messages</c>).
    /// </summary>
    public int ReceiveMaximum { get; set; }

    /// <summary>
    /// False (default): each received QoS 1/2 message is acknowledged once it is in
    /// <see cref="IMqttClient.Messages"/>. True: the receiver acknowledges it with
    /// <see cref="IMqttClient.Acknowledge"/> once it has done what it must with it; until then the broker keeps
    /// it in the session and sends it again after a reconnect (also to a new process with the same client id).
    /// With manual acknowledgement a full <see cref="IMqttClient.Messages"/> channel is waited on, never dropped:
    /// the broker's receive window is the bound.
    /// </summary>
    public bool ManualAcknowledgement { get; set; }

    /// <summary>QoS 1/2 publishes this client keeps in flight at once (sent, waiting for PUBACK/PUBCOMP).</summary>
    public int MaxInflightMessages { get; set; } = 20;

    /// <summary>
    /// The socket's receive and send buffer (SO_RCVBUF/SO_SNDBUF), bytes; the kernel caps it at
    /// <c>net.core.rmem_max</c>/<c>wmem_max</c> (Raspberry Pi OS: 212,992). MQTTnet always sets these, and its
    /// default (8 KiB) turns off Linux's receive-window autotuning and window scaling: a subscriber that once
    /// fell behind was then held to a window of a few KiB, about 100 sensor batches a second, for good (measured:
    /// docs/benchmarks.md, issue 13.6). The gateway receives up to a few hundred KiB a second and must catch up
    /// after a pause, so the default is 1 MiB.
    /// </summary>
    public int SocketBufferSize { get; set; } = 1 << 20;

    /// <summary>Capacity of <see cref="IMqttClient.Messages"/>. When full, new messages are dropped and counted (unless <see cref="ManualAcknowledgement"/>).</summary>
    public int IncomingChannelCapacity { get; set; } = 10_000;

    /// <summary>
    /// How long a delivery may wait for space in a full incoming channel before it is dropped (automatic
    /// acknowledgement only). Zero drops at once. While it waits, the message is not acknowledged, so the
    /// broker's in-flight window pushes back; keep it well below <see cref="KeepAlive"/>.
    /// </summary>
    public TimeSpan IncomingFullWait { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Publishes waiting or in flight and not yet completed. <see cref="IMqttClient.PublishAsync"/> waits when
    /// it is reached, so a client that cannot send (broker down) never queues without bound.
    /// </summary>
    public int OutgoingQueueCapacity { get; set; } = 1_000;

    /// <summary>How long one connect attempt (TCP, TLS handshake, CONNACK) may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay between connect attempts; doubles up to <see cref="ConnectRetryMaxDelay"/>.</summary>
    public TimeSpan ConnectRetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest delay between connect attempts, first connect and reconnects alike. The default (5 s) keeps
    /// the gateway back within seconds of its broker's return; many clients against a remote broker may want
    /// longer.
    /// </summary>
    public TimeSpan ConnectRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>TLS settings. Certificate verification (chain to <see cref="CaFile"/> and host name) cannot be switched off.</summary>
public sealed class MqttTlsOptions
{
    /// <summary>PEM file with the CA certificate(s) that signed the broker's certificate.</summary>
    public string CaFile { get; set; } = "";

    /// <summary>Optional PEM client certificate (requires <see cref="KeyFile"/>).</summary>
    public string? CertFile { get; set; }

    /// <summary>Optional unencrypted PEM private key for <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }
}

/// <summary>Last will and testament.</summary>
public sealed class MqttWillOptions
{
    /// <summary>Topic the broker publishes the will on (no wildcards).</summary>
    public string Topic { get; set; } = "";

    /// <summary>Will payload.</summary>
    public byte[] Payload { get; set; } = [];

    /// <summary>Will QoS.</summary>
    public MqttQos Qos { get; set; } = MqttQos.AtLeastOnce;

    /// <summary>Whether the broker retains the will.</summary>
    public bool Retain { get; set; }
}

/// <summary>Validates <see cref="MqttClientOptions"/>, reporting every problem at once.</summary>
public sealed class MqttClientOptionsValidator : IValidateOptions<MqttClientOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Mqtt:Host is required.");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Mqtt:Port must be 1..65535 (was {options.Port}).");
        }

        if (!options.CleanSession && string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add("Mqtt:ClientId is required when CleanSession is false (a persistent session needs a fixed client id).");
        }

        if (options.ClientId is { Length: > 0 } id && System.Text.Encoding.UTF8.GetByteCount(id) > 65535)
        {
            errors.Add("Mqtt:ClientId is too long.");
        }

        if (options.Password is not null && string.IsNullOrEmpty(options.Username))
        {
            errors.Add("Mqtt:Password needs Mqtt:Username.");
        }

        if (options.KeepAlive < TimeSpan.FromSeconds(5) || options.KeepAlive > TimeSpan.FromSeconds(65535))
        {
            errors.Add($"Mqtt:KeepAlive must be between 00:00:05 and 18:12:15 (was {options.KeepAlive}).");
        }

        if (!Enum.IsDefined(options.ProtocolVersion))
        {
            errors.Add($"Mqtt:ProtocolVersion must be V311 or V500 (was {(int)options.ProtocolVersion}).");
        }

        if (options.ReceiveMaximum is < 0 or > 65535)
        {
            errors.Add($"Mqtt:ReceiveMaximum must be 0..65535 (was {options.ReceiveMaximum}).");
        }
        else if (options.ReceiveMaximum > 0 && options.ProtocolVersion != MqttProtocolVersion.V500)
        {
            errors.Add("Mqtt:ReceiveMaximum needs Mqtt:ProtocolVersion V500 (MQTT 3.1.1 has no receive maximum).");
        }

        if (options.ConnectTimeout < TimeSpan.FromMilliseconds(100) || options.ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Mqtt:ConnectTimeout must be between 00:00:00.1 and 00:05:00 (was {options.ConnectTimeout}).");
        }

        if (options.MaxInflightMessages is < 1 or > 65535)
        {
            errors.Add($"Mqtt:MaxInflightMessages must be 1..65535 (was {options.MaxInflightMessages}).");
        }

        if (options.SocketBufferSize is < 4096 or > 64 << 20)
        {
            errors.Add($"Mqtt:SocketBufferSize must be 4096..67108864 bytes (was {options.SocketBufferSize}).");
        }

        if (options.IncomingChannelCapacity < 1)
        {
            errors.Add($"Mqtt:IncomingChannelCapacity must be at least 1 (was {options.IncomingChannelCapacity}).");
        }

        if (options.IncomingFullWait < TimeSpan.Zero || options.IncomingFullWait >= options.KeepAlive)
        {
            errors.Add($"Mqtt:IncomingFullWait must be zero or positive and shorter than KeepAlive (was {options.IncomingFullWait}).");
        }

        if (options.OutgoingQueueCapacity > 65535)
        {
            errors.Add($"Mqtt:OutgoingQueueCapacity must be at most 65535 (was {options.OutgoingQueueCapacity}): message ids must stay unique while queued.");
        }

        if (options.OutgoingQueueCapacity < options.MaxInflightMessages)
        {
            errors.Add($"Mqtt:OutgoingQueueCapacity ({options.OutgoingQueueCapacity}) must be at least MaxInflightMessages ({options.MaxInflightMessages}).");
        }

        if (options.ConnectRetryInitialDelay < TimeSpan.FromMilliseconds(10))
        {
            errors.Add($"Mqtt:ConnectRetryInitialDelay must be at least 10 ms (was {options.ConnectRetryInitialDelay}).");
        }

        if (options.ConnectRetryMaxDelay < options.ConnectRetryInitialDelay || options.ConnectRetryMaxDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"Mqtt:ConnectRetryMaxDelay must be between ConnectRetryInitialDelay and 1 hour (was {options.ConnectRetryMaxDelay}).");
        }

        if (options.Tls is { } tls)
        {
            if (string.IsNullOrWhiteSpace(tls.CaFile))
            {
                errors.Add("Mqtt:Tls:CaFile is required when TLS is configured.");
            }
            else if (!File.Exists(tls.CaFile))
            {
                errors.Add($"Mqtt:Tls:CaFile '{tls.CaFile}' does not exist.");
            }

            if (string.IsNullOrEmpty(tls.CertFile) != string.IsNullOrEmpty(tls.KeyFile))
            {
                errors.Add("Mqtt:Tls:CertFile and Mqtt:Tls:KeyFile must be given together.");
            }

            foreach (var file in new[] { tls.CertFile, tls.KeyFile })
            {
                if (!string.IsNullOrEmpty(file) && !File.Exists(file))
                {
                    errors.Add($"Mqtt:Tls file '{file}' does not exist.");
                }
            }
        }

        if (options.Will is { } will)
        {
            if (string.IsNullOrEmpty(will.Topic) || will.Topic.Contains('+', StringComparison.Ordinal) || will.Topic.Contains('#', StringComparison.Ordinal))
            {
                errors.Add("Mqtt:Will:Topic is required and must not contain wildcards.");
            }

            if (!Enum.IsDefined(will.Qos))
            {
                errors.Add($"Mqtt:Will:Qos must be 0, 1 or 2 (was {(int)will.Qos}).");
            }

            if (will.Payload is null)
            {
                errors.Add("Mqtt:Will:Payload must not be null (use an empty array).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
