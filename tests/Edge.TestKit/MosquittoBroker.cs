using System.Globalization;
using System.Text;
using Edge.Mqtt.Broker;

namespace Edge.TestKit;

/// <summary>Settings for a private test broker.</summary>
public sealed class MosquittoBrokerOptions
{
    /// <summary>
    /// Config lines written after the <c>listener</c> line, e.g. TLS (<c>cafile</c>, <c>certfile</c>,
    /// <c>keyfile</c>, <c>require_certificate</c>), <c>password_file</c>, <c>acl_file</c>,
    /// <c>max_queued_messages</c>, <c>max_inflight_messages</c>.
    /// </summary>
    public IList<string> ExtraConfig { get; } = [];

    /// <summary>Allow clients without credentials (false when a password file is used).</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>
    /// Also log per-message debug lines. Off by default: a burst test would write a line per packet.
    /// </summary>
    public bool DebugLog { get; set; }
}

/// <summary>
/// A private Mosquitto broker for tests: <c>/usr/sbin/mosquitto -c &lt;generated conf&gt;</c> on 127.0.0.1 with
/// a free port, its own persistence folder, and its log captured so tests can assert on lines such as
/// "Outgoing messages are being dropped". Never the system service. The process is killed on dispose.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable, IDisposable
{
    /// <summary>Where Debian installs the broker.</summary>
    public const string BrokerPath = MosquittoProcess.BrokerPath;

    private readonly TempDirectory _dir;
    private readonly MosquittoBrokerOptions _options;
    private readonly MosquittoProcess _process;

    private MosquittoBroker(MosquittoBrokerOptions options)
    {
        if (!File.Exists(BrokerPath))
        {
            throw new InvalidOperationException(
                $"{BrokerPath} is not installed. Run ./edge setup (it installs the Debian packages mosquitto and mosquitto-clients).");
        }

        _options = options;
        _dir = new TempDirectory("edge-mosquitto");
        Port = MosquittoProcess.FreePort();
        ConfigPath = _dir.File("mosquitto.conf");
        DataDirectory = Directory.CreateDirectory(_dir.File("data")).FullName;
        File.WriteAllText(ConfigPath, BuildConfig());
        _process = new MosquittoProcess(ConfigPath, Host, Port);
    }

    /// <summary>Always 127.0.0.1.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The port; the same across restarts.</summary>
    public int Port { get; }

    /// <summary>The generated config file.</summary>
    public string ConfigPath { get; }

    /// <summary>The persistence folder (kept across restarts).</summary>
    public string DataDirectory { get; }

    /// <summary>A temp folder owned by this broker, deleted on dispose (for password files, certificates ...).</summary>
    public string WorkDirectory => _dir.Path;

    /// <summary>True while the broker process runs.</summary>
    public bool IsRunning => _process.IsRunning;

    /// <summary>A snapshot of every log line so far (all runs).</summary>
    public IReadOnlyList<string> LogLines => _process.LogLines;

    /// <summary>Starts a broker and waits until it accepts TCP connections.</summary>
    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions? options = null)
    {
        var broker = Create(options);
        try
        {
            await broker.StartAsync().ConfigureAwait(false);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reserves a port and writes the config without starting the broker, e.g. to test a client that
    /// starts connecting while the broker is down. Call <see cref="StartAsync()"/> later.
    /// </summary>
    public static MosquittoBroker Create(MosquittoBrokerOptions? options = null) => new(options ?? new MosquittoBrokerOptions());

    /// <summary>True when any log line contains <paramref name="fragment"/>.</summary>
    public bool LogContains(string fragment) => LogLines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits for a log line containing <paramref name="fragment"/> (already logged lines count).</summary>
    public Task<string> WaitForLogAsync(string fragment, TimeSpan timeout) => _process.WaitForLogAsync(fragment, timeout);

    /// <summary>Starts the broker process (again) on the same port and waits until it accepts connections.</summary>
    public Task StartAsync() => _process.StartAsync();

    /// <summary>Stops the broker with SIGTERM (it saves its persistence file) and waits for it to exit.</summary>
    public Task StopAsync() => _process.StopAsync();

    /// <summary>Stops and starts the broker on the same port, keeping its persistence.</summary>
    public Task RestartAsync() => _process.RestartAsync();

    /// <summary>Kills the broker (SIGKILL: no persistence save), without waiting for a clean stop.</summary>
    public void Kill() => _process.Kill();

    /// <inheritdoc />
    public void Dispose()
    {
        _process.Dispose();
        _dir.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private string BuildConfig()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Generated by Edge.TestKit.MosquittoBroker: a private test broker, never the system service.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"listener {Port} 127.0.0.1");
        sb.AppendLine(CultureInfo.InvariantCulture, $"allow_anonymous {(_options.AllowAnonymous ? "true" : "false")}");
        sb.AppendLine("persistence true");
        sb.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {DataDirectory}/");
        // Started as root, mosquitto 2.0 switches to the user "mosquitto", which cannot read our temp files.
        sb.AppendLine(CultureInfo.InvariantCulture, $"user {Environment.UserName}");
        sb.AppendLine("log_dest stderr");
        foreach (var type in _options.DebugLog ? ["all"] : new[] { "error", "warning", "notice", "information" })
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"log_type {type}");
        }

        sb.AppendLine("connection_messages true");
        foreach (var line in _options.ExtraConfig)
        {
            sb.AppendLine(line);
        }

        return sb.ToString();
    }
}
