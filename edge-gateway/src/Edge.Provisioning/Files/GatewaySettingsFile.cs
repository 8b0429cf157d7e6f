using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cloud.Contracts;
using Edge.Site.Inventory;

namespace Edge.Provisioning.Files;

/// <summary>The gateway's MQTT account as <c>gateway/gateway-settings.json</c> holds it (the CLI uses it to reach the broker).</summary>
/// <param name="Host">Broker host the gateway connects to.</param>
/// <param name="Port">Broker TLS port.</param>
/// <param name="Username">The gateway's MQTT user name.</param>
/// <param name="Password">Its password.</param>
/// <param name="CaFile">The site CA the broker certificate chains to.</param>
public sealed record GatewayMqttAccount(string Host, int Port, string Username, string Password, string CaFile);

/// <summary>
/// Reads and changes <c>gateway/gateway-settings.json</c> after <c>init site</c> wrote it: the cloud key
/// (rotation) and the gateway's broker account. The file holds secrets: it is rewritten atomically, 0600.
/// </summary>
public static class GatewaySettingsFile
{
    /// <summary>
    /// Puts a new cloud gateway key (issued by the cloud's <c>admin rotate-gateway-key</c>) in place of the
    /// old one. The gateway uses it after its next start; the cloud accepts the old key until the overlap
    /// of the rotation ends, so nothing waiting in the gateway's outbox is lost.
    /// </summary>
    public static void SetCloudKey(SiteLayout layout, string key)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!GatewayKey.IsWellFormed(key))
        {
            throw new ProvisioningException($"That is not a cloud gateway key ('{GatewayKey.Prefix}' and 43 base64url characters).");
        }

        JsonObject settings = Load(layout);
        if (settings["Uplink"] is not JsonObject uplink)
        {
            throw new ProvisioningException($"{layout.GatewaySettings} has no cloud uplink (the site was created without --cloud-url).");
        }

        if (uplink["GatewayKey"]?.GetValue<string>() == key)
        {
            throw new ProvisioningException("The gateway already uses this key.");
        }

        uplink["GatewayKey"] = key;
        UnixFiles.WriteText(layout.GatewaySettings, settings.ToJsonString(SiteInventoryJson.Options) + "\n", UnixFiles.Secret);
    }

    /// <summary>
    /// Sets <c>Uplink:GatewayId</c> to the id the cloud knows this gateway by (<c>admin create-gateway --id</c>). The
    /// gateway stamps it on events when it sends them, so events queued under a wrong id go out under this one.
    /// </summary>
    public static void SetGatewayId(SiteLayout layout, string gatewayId)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!IsCloudGatewayId(gatewayId))
        {
            throw new ProvisioningException("A cloud gateway id is 1-64 characters of letters, digits and . _ : -.");
        }

        JsonObject settings = Load(layout);
        if (settings["Uplink"] is not JsonObject uplink)
        {
            throw new ProvisioningException($"{layout.GatewaySettings} has no cloud uplink (the site was created without --cloud-url).");
        }

        uplink["GatewayId"] = gatewayId;
        UnixFiles.WriteText(layout.GatewaySettings, settings.ToJsonString(SiteInventoryJson.Options) + "\n", UnixFiles.Secret);
    }

    /// <summary>A gateway id as the cloud accepts it (<c>admin create-gateway --id</c>): 1-64 letters, digits and . _ : -.</summary>
    public static bool IsCloudGatewayId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    /// <summary>The gateway's broker account, or a clear error when the file lacks it.</summary>
    public static GatewayMqttAccount ReadMqttAccount(SiteLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        JsonNode? mqtt = Load(layout)["Mqtt"];
        string? host = Text(mqtt?["Host"]);
        string? username = Text(mqtt?["Username"]);
        string? password = Text(mqtt?["Password"]);
        int? port = mqtt?["Port"] is JsonValue p && p.TryGetValue(out int number) ? number : null;
        if (host is null || username is null || password is null || port is null)
        {
            throw new ProvisioningException($"{layout.GatewaySettings} has no complete Mqtt section (Host, Port, Username, Password).");
        }

        return new GatewayMqttAccount(host, port.Value, username, password, Text(mqtt?["Tls"]?["CaFile"]) ?? layout.CaCertificate);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? text) && text.Length > 0 ? text : null;

    private static JsonObject Load(SiteLayout layout)
    {
        if (!File.Exists(layout.GatewaySettings))
        {
            throw new ProvisioningException($"No gateway settings at {layout.GatewaySettings}. Run 'init site' first.");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(layout.GatewaySettings)) as JsonObject
                ?? throw new ProvisioningException($"{layout.GatewaySettings} is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ProvisioningException($"{layout.GatewaySettings} is not valid JSON: {ex.Message}", ex);
        }
    }
}
