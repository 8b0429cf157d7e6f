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

    /// <summary>QoS 1/2 messages the library keeps in flight at once (mosquitto_max_inflight_messages_set).</summary>
    public int MaxInflightMessages { get; set; } = 20;

    /// <summary>Capacity of <see cref="IMqttClient.Messages"/>. When full, new messages are dropped and counted.</summary>
    public int IncomingChannelCapacity { get; set; } = 10_000;

    /// <summary>
    /// How long the library's network thread may wait for space in a full incoming channel before it drops
    /// the message. Zero drops at once. Waiting stalls the connection (no acks, no keep-alive), which pushes
    /// back to the broker; keep it well below <see cref="KeepAlive"/>.
    /// </summary>
    public TimeSpan IncomingFullWait { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Publishes handed to the library and not yet acknowledged. libmosquitto's own queue is unbounded;
    /// this bound makes <see cref="IMqttClient.PublishAsync"/> wait when it is reached.
    /// </summary>
    public int OutgoingQueueCapacity { get; set; } = 1_000;

    /// <summary>First delay between connect attempts; doubles up to <see cref="ConnectRetryMaxDelay"/>.</summary>
    public TimeSpan ConnectRetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between connect attempts (also used for the library's automatic reconnects).</summary>
    public TimeSpan ConnectRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>TLS settings. Certificate verification cannot be switched off.</summary>
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

        if (options.MaxInflightMessages is < 1 or > 65535)
        {
            errors.Add($"Mqtt:MaxInflightMessages must be 1..65535 (was {options.MaxInflightMessages}).");
        }

        if (options.IncomingChannelCapacity < 1)
        {
            errors.Add($"Mqtt:IncomingChannelCapacity must be at least 1 (was {options.IncomingChannelCapacity}).");
        }

        if (options.IncomingFullWait < TimeSpan.Zero || options.IncomingFullWait >= options.KeepAlive)
        {
            errors.Add($"Mqtt:IncomingFullWait must be zero or positive and shorter than KeepAlive (was {options.IncomingFullWait}).");
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
