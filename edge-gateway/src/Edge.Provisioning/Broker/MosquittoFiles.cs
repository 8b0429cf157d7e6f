using System.Globalization;
using System.Text;
using Edge.Protocol;
using Edge.Provisioning.Files;
using Edge.Site.Inventory;

namespace Edge.Provisioning.Broker;

/// <summary>
/// Renders the broker's configuration, password file and ACL from the inventory. They are rendered
/// whole on every change (never patched), so what the broker enforces is always exactly the inventory.
/// </summary>
public static class MosquittoFiles
{
    /// <summary>
    /// Messages one sensor sends per second in streaming mode: one accelerometer batch per second, plus
    /// status (every minute or on change) and the rare event; 1.1 leaves room for status bursts.
    /// </summary>
    public const double MessagesPerDevicePerSecond = 1.1;

    /// <summary>
    /// How long the gateway may be away (restart, update, crash loop under systemd) before the broker
    /// starts dropping what it queued for the gateway's persistent session.
    /// </summary>
    public static readonly TimeSpan GatewayOutageBudget = TimeSpan.FromMinutes(10);

    /// <summary>Mosquitto's own default; never go below it.</summary>
    public const int MinimumQueuedMessages = 1000;

    /// <summary>Largest MQTT packet accepted: a wire message (≤1600 bytes) plus topic, header and, on CONNECT, credentials and will.</summary>
    public const int MaxPacketSize = 4096;

    /// <summary>
    /// QoS 1 messages in flight per MQTT 3.1.1 client: the sensors (what the broker sends them is their
    /// config topic). The gateway connects with MQTT 5 and its own receive maximum (Mqtt:ReceiveMaximum,
    /// 20,000), because it holds each message unacknowledged until it has processed it; with 3.1.1 this
    /// limit would cap that window at 20 and stall ingest.
    /// </summary>
    public const int MaxInflightMessages = 20;

    /// <summary>
    /// Per-client queue limit: every message the site's sensors send during <see cref="GatewayOutageBudget"/>,
    /// for the larger of the planned and the registered number of sensors.
    /// </summary>
    public static int MaxQueuedMessages(SiteInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        int devices = Math.Max(inventory.Broker.ExpectedDevices, inventory.ActiveDevices.Count());
        double messages = devices * MessagesPerDevicePerSecond * GatewayOutageBudget.TotalSeconds;
        // Rounded first: 1.1 is not exact in binary and 50 x 1.1 x 600 must be 33000, not 33001.
        return Math.Max(MinimumQueuedMessages, (int)Math.Ceiling(Math.Round(messages, 3)));
    }

    /// <summary>Byte bound on the same queue: every queued message at the protocol's largest size.</summary>
    public static long MaxQueuedBytes(SiteInventory inventory) => (long)MaxQueuedMessages(inventory) * WireFormat.MaxMessageSize;

    /// <summary>The one $SYS topic the gateway may read: the broker's count of messages dropped for full queues.</summary>
    public const string BrokerDropCounterTopic = "$SYS/broker/publish/messages/dropped";

    /// <summary>The gateway's MQTT user name for <paramref name="siteId"/>.</summary>
    public static string GatewayUsername(string siteId) => "gateway." + siteId;

    /// <summary>The provisioning tool's MQTT user name for <paramref name="siteId"/>.</summary>
    public static string ProvisionerUsername(string siteId) => "provision." + siteId;

    /// <summary>A device's MQTT user name: its id and hardware generation (a replaced device gets a new name).</summary>
    public static string DeviceUsername(string deviceId, int generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{deviceId}.{generation}");

    /// <summary>broker/mosquitto.conf</summary>
    public static string RenderConfig(SiteInventory inventory, SiteLayout layout, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(layout);
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"# Mosquitto 2.0 configuration for site '{inventory.SiteId}', written by 'edge provision' at {now:u}.");
        b.AppendLine("# Every provisioning command rewrites this file from site.json: do not edit it by hand.");
        b.AppendLine("# Start: mosquitto -c <this file>. Reload after provisioning changes: sudo systemctl reload mosquitto (or kill -HUP <pid>).");
        b.AppendLine();
        b.AppendLine("# One listener, so per-listener security settings are not needed: the password file and ACL apply to all.");
        b.AppendLine("per_listener_settings false");
        b.AppendLine("allow_anonymous false");
        b.AppendLine(CultureInfo.InvariantCulture, $"password_file {layout.PasswordFile}");
        b.AppendLine(CultureInfo.InvariantCulture, $"acl_file {layout.AclFile}");
        if (inventory.Broker.User is { Length: > 0 } user)
        {
            b.AppendLine("# When started as root, Mosquitto drops to this account; the broker's secrets are owned by it.");
            b.AppendLine(CultureInfo.InvariantCulture, $"user {user}");
        }

        b.AppendLine();
        b.AppendLine("# Persistence: the gateway's persistent session and its queued messages survive a broker restart.");
        b.AppendLine("persistence true");
        b.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {layout.BrokerData}");
        b.AppendLine("autosave_interval 300");
        b.AppendLine("persistent_client_expiration 14d");
        b.AppendLine();
        b.AppendLine("# Retained messages: sensors retain only their status; the gateway retains config. Mosquitto 2.0 cannot");
        b.AppendLine("# refuse the retain flag per topic (retain_available is all or nothing, the ACL has no retain rule), so a");
        b.AppendLine("# retained event or accel batch is refused by the gateway, which never raises one and deletes it, and");
        b.AppendLine("# 'provision replace/retire device' delete the sensor's retained messages. check_retain_source (the");
        b.AppendLine("# default, stated here) stops replaying a removed credential's retained messages after a broker restart.");
        b.AppendLine("check_retain_source true");
        b.AppendLine();
        int devices = Math.Max(inventory.Broker.ExpectedDevices, inventory.ActiveDevices.Count());
        b.AppendLine(CultureInfo.InvariantCulture,
            $"# Queue limits per client, sized for {devices} sensors x {MessagesPerDevicePerSecond.ToString(CultureInfo.InvariantCulture)} msg/s x {GatewayOutageBudget.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s of gateway outage,");
        b.AppendLine(CultureInfo.InvariantCulture, $"# and {WireFormat.MaxMessageSize} bytes per message at most. Beyond this the broker drops messages and logs");
        b.AppendLine("# \"Outgoing messages are being dropped\": the gateway's supervision must surface that line.");
        b.AppendLine(CultureInfo.InvariantCulture, $"max_queued_messages {MaxQueuedMessages(inventory)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"max_queued_bytes {MaxQueuedBytes(inventory)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"max_inflight_messages {MaxInflightMessages}");
        b.AppendLine(CultureInfo.InvariantCulture, $"max_packet_size {MaxPacketSize}");
        b.AppendLine();
        b.AppendLine("log_dest stderr");
        b.AppendLine("log_type error");
        b.AppendLine("log_type warning");
        b.AppendLine("log_type notice");
        b.AppendLine("log_type information");
        b.AppendLine("connection_messages true");
        b.AppendLine();
        b.AppendLine("# TLS only: there is no plain-TCP listener.");
        string address = string.IsNullOrEmpty(inventory.Broker.ListenAddress) ? "" : " " + inventory.Broker.ListenAddress;
        b.AppendLine(CultureInfo.InvariantCulture, $"listener {inventory.Broker.Port}{address}");
        b.AppendLine("protocol mqtt");
        b.AppendLine(CultureInfo.InvariantCulture, $"cafile {layout.CaCertificate}");
        b.AppendLine(CultureInfo.InvariantCulture, $"certfile {layout.ServerCertificate}");
        b.AppendLine(CultureInfo.InvariantCulture, $"keyfile {layout.ServerKey}");
        b.AppendLine("# TLS 1.2 is the minimum (1.3 is preferred when both ends have it); 1.2 suites are ECDHE + AEAD only.");
        b.AppendLine("tls_version tlsv1.2");
        b.AppendLine("ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305");
        b.AppendLine("require_certificate false");
        b.AppendLine("# The client id is forced to the user name: a device cannot take over (and so disconnect) another");
        b.AppendLine("# device's session by claiming its client id. One connection per credential.");
        b.AppendLine("use_username_as_clientid true");
        return b.ToString();
    }

    // The topics a sensor writes; the gateway and the provisioning tool may write them only to delete retained messages.
    private static readonly TopicKind[] DeviceTopics = [TopicKind.Accel, TopicKind.Status, TopicKind.Event];

    /// <summary>broker/passwd: the gateway, the provisioning tool and every active device, nothing else.</summary>
    public static string RenderPasswordFile(SiteInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var b = new StringBuilder();
        b.Append(inventory.Gateway.Username).Append(':').Append(inventory.Gateway.PasswordHash).Append('\n');
        if (inventory.Provisioner is { } provisioner)
        {
            b.Append(provisioner.Username).Append(':').Append(provisioner.PasswordHash).Append('\n');
        }

        foreach (DeviceRecord device in inventory.ActiveDevices)
        {
            b.Append(device.Credential.Username).Append(':').Append(device.Credential.PasswordHash).Append('\n');
        }

        return b.ToString();
    }

    /// <summary>
    /// broker/acl. One <c>user</c> section per account rather than <c>pattern</c> lines with %u: user
    /// names carry the hardware generation (so a replaced device's old name is gone, not just its
    /// password), the file states exactly what each credential may do, and retiring a device deletes
    /// its section. Anything not listed is denied, $SYS included, except one $SYS topic for the gateway:
    /// <c>$SYS/broker/publish/messages/dropped</c>, the broker's count of messages it dropped because a
    /// subscriber's queue was full, which is the gateway's only way to see such a loss.
    /// </summary>
    public static string RenderAcl(SiteInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        string site = inventory.SiteId;
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"# Mosquitto ACL for site '{site}', written by 'edge provision' from site.json. Anything not listed is denied.");
        b.AppendLine();
        b.AppendLine("# The gateway reads every sensor of its site and writes their config topics. Of $SYS it reads");
        b.AppendLine("# only the broker's drop counter, so its self-check sees messages the broker threw away. It may also");
        b.AppendLine("# write the sensors' accel and event topics, only to delete retained messages there: Mosquitto 2.0");
        b.AppendLine("# cannot refuse the retain flag per topic, so the gateway deletes every retained event or batch it is");
        b.AppendLine("# replayed (it never raises one). Its session probe topic it writes and reads back through its own");
        b.AppendLine("# session, to measure how far behind its sensors it is.");
        b.AppendLine(CultureInfo.InvariantCulture, $"user {inventory.Gateway.Username}");
        b.AppendLine(CultureInfo.InvariantCulture, $"topic read {Topics.Root}/{site}/sensors/#");
        b.AppendLine(CultureInfo.InvariantCulture, $"topic write {Topics.AllDevices(site, TopicKind.Accel)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"topic write {Topics.AllDevices(site, TopicKind.Event)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"topic write {Topics.AllDevices(site, TopicKind.Config)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"topic read {BrokerDropCounterTopic}");
        b.AppendLine(CultureInfo.InvariantCulture, $"topic readwrite {Topics.GatewayProbe(site)}");
        if (inventory.Provisioner is { } provisioner)
        {
            b.AppendLine();
            b.AppendLine("# The provisioning tool: deletes a replaced or retired sensor's retained messages. It reads nothing.");
            b.AppendLine(CultureInfo.InvariantCulture, $"user {provisioner.Username}");
            foreach (TopicKind kind in DeviceTopics)
            {
                b.AppendLine(CultureInfo.InvariantCulture, $"topic write {Topics.AllDevices(site, kind)}");
            }

            b.AppendLine(CultureInfo.InvariantCulture, $"topic write {Topics.AllDevices(site, TopicKind.Config)}");
        }

        foreach (DeviceRecord device in inventory.ActiveDevices)
        {
            b.AppendLine();
            b.AppendLine(CultureInfo.InvariantCulture, $"# device {device.Id}, hardware generation {device.Generation}, resident {device.ResidentId}");
            b.AppendLine(CultureInfo.InvariantCulture, $"user {device.Credential.Username}");
            b.AppendLine(CultureInfo.InvariantCulture, $"topic write {Topics.For(site, device.Id, TopicKind.Accel)}");
            b.AppendLine(CultureInfo.InvariantCulture, $"topic write {Topics.For(site, device.Id, TopicKind.Status)}");
            b.AppendLine(CultureInfo.InvariantCulture, $"topic write {Topics.For(site, device.Id, TopicKind.Event)}");
            b.AppendLine(CultureInfo.InvariantCulture, $"topic read {Topics.For(site, device.Id, TopicKind.Config)}");
        }

        return b.ToString();
    }
}
