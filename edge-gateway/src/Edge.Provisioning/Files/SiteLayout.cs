namespace Edge.Provisioning.Files;

/// <summary>
/// Where everything of one site lives under the site folder. The layout is a contract with the
/// gateway and the demo (see edge-gateway/src/Edge.Provision/README.md):
/// <code>
/// site.json                      inventory: site, broker settings, rooms, residents, devices (0600)
/// ca/ca.crt  ca/ca.key           the site CA (key 0600; keep it offline after init)
/// broker/mosquitto.conf          broker configuration (0644)
/// broker/server.crt server.key   broker TLS certificate and key (key 0600, broker user)
/// broker/passwd  broker/acl      Mosquitto password file ($7$ PBKDF2-SHA512) and ACL (0600, broker user)
/// broker/data/                   broker persistence (0700, broker user)
/// gateway/gateway-settings.json  the gateway's Mqtt, Site and Cloud settings incl. its secrets (0600)
/// gateway/staff-page.crt .key    the staff page's https certificate from the site CA (key 0600)
/// staff/staff.json               staff-page accounts, PBKDF2-SHA256 hashes (0600)
/// policy/escalation.json         escalation policy per unit and time of day (0644)
/// devices/&lt;id&gt;.conf             device config ready to flash (0600); devices/ca.pem beside it
/// secrets/wifi.json              the sensors' Wi-Fi network (0600)
/// secrets/provision-mqtt.txt     the provisioning tool's MQTT password (deletes retained messages; 0600)
/// </code>
/// </summary>
public sealed class SiteLayout
{
    /// <summary>Creates the layout for the site folder <paramref name="root"/>.</summary>
    public SiteLayout(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The site folder (absolute).</summary>
    public string Root { get; }

    /// <summary>site.json</summary>
    public string Inventory => Path.Combine(Root, "site.json");

    /// <summary>ca/</summary>
    public string CaDir => Path.Combine(Root, "ca");

    /// <summary>ca/ca.crt</summary>
    public string CaCertificate => Path.Combine(CaDir, "ca.crt");

    /// <summary>ca/ca.key</summary>
    public string CaKey => Path.Combine(CaDir, "ca.key");

    /// <summary>broker/</summary>
    public string BrokerDir => Path.Combine(Root, "broker");

    /// <summary>broker/mosquitto.conf</summary>
    public string BrokerConfig => Path.Combine(BrokerDir, "mosquitto.conf");

    /// <summary>broker/server.crt</summary>
    public string ServerCertificate => Path.Combine(BrokerDir, "server.crt");

    /// <summary>broker/server.key</summary>
    public string ServerKey => Path.Combine(BrokerDir, "server.key");

    /// <summary>broker/passwd</summary>
    public string PasswordFile => Path.Combine(BrokerDir, "passwd");

    /// <summary>broker/acl</summary>
    public string AclFile => Path.Combine(BrokerDir, "acl");

    /// <summary>broker/data/ (trailing separator: Mosquitto requires it).</summary>
    public string BrokerData => Path.Combine(BrokerDir, "data") + Path.DirectorySeparatorChar;

    /// <summary>gateway/</summary>
    public string GatewayDir => Path.Combine(Root, "gateway");

    /// <summary>gateway/gateway-settings.json</summary>
    public string GatewaySettings => Path.Combine(GatewayDir, "gateway-settings.json");

    /// <summary>secrets/provision-mqtt.txt: the password of the provisioning tool's own MQTT account (0600).</summary>
    public string ProvisionerPassword => Path.Combine(SecretsDir, "provision-mqtt.txt");

    /// <summary>gateway/staff-page.crt: the staff page's https certificate, issued by the site CA for the gateway's host names.</summary>
    public string StaffPageCertificate => Path.Combine(GatewayDir, "staff-page.crt");

    /// <summary>gateway/staff-page.key</summary>
    public string StaffPageKey => Path.Combine(GatewayDir, "staff-page.key");

    /// <summary>staff/</summary>
    public string StaffDir => Path.Combine(Root, "staff");

    /// <summary>staff/staff.json</summary>
    public string StaffStore => Path.Combine(StaffDir, "staff.json");

    /// <summary>policy/</summary>
    public string PolicyDir => Path.Combine(Root, "policy");

    /// <summary>policy/escalation.json</summary>
    public string EscalationPolicy => Path.Combine(PolicyDir, "escalation.json");

    /// <summary>devices/</summary>
    public string DevicesDir => Path.Combine(Root, "devices");

    /// <summary>File name of the CA certificate on the sensor's flash (the config's tls_ca).</summary>
    public const string DeviceCaFileName = "ca.pem";

    /// <summary>devices/ca.pem (the copy flashed with each device config).</summary>
    public string DeviceCaCertificate => Path.Combine(DevicesDir, DeviceCaFileName);

    /// <summary>secrets/</summary>
    public string SecretsDir => Path.Combine(Root, "secrets");

    /// <summary>secrets/wifi.json</summary>
    public string Wifi => Path.Combine(SecretsDir, "wifi.json");

    /// <summary>devices/&lt;id&gt;.conf</summary>
    public string DeviceConfig(string deviceId) => Path.Combine(DevicesDir, deviceId + ".conf");
}
