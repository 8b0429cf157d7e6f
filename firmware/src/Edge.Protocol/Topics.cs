using System;

namespace Edge.Protocol
{
    /// <summary>Which leaf of a device's topic tree a topic is.</summary>
    public enum TopicKind
    {
        /// <summary>Not a sensor topic.</summary>
        None = 0,

        /// <summary>care/{site}/sensors/{device}/accel</summary>
        Accel = 1,

        /// <summary>care/{site}/sensors/{device}/status (retained; also the ASCII last will)</summary>
        Status = 2,

        /// <summary>care/{site}/sensors/{device}/event</summary>
        Event = 3,

        /// <summary>care/{site}/sensors/{device}/config (gateway to device, retained)</summary>
        Config = 4,
    }

    /// <summary>
    /// The MQTT topic tree: <c>care/{site}/sensors/{device}/{accel|status|event|config}</c>. One tree
    /// per device, so a broker ACL can confine a device to <c>care/{site}/sensors/{device}/#</c>.
    /// </summary>
    public static class Topics
    {
        /// <summary>The first level of every topic.</summary>
        public const string Root = "care";

        /// <summary>The topic of <paramref name="kind"/> for one device.</summary>
        /// <exception cref="ArgumentException">An id is invalid (it could add levels or wildcards), or kind is None.</exception>
        public static string For(string site, string deviceId, TopicKind kind)
        {
            CheckId(deviceId, "deviceId");
            CheckSiteAndKind(site, kind);
            return Root + "/" + site + "/sensors/" + deviceId + "/" + Leaf(kind);
        }

        /// <summary>A subscription filter for <paramref name="kind"/> from every device of a site.</summary>
        /// <exception cref="ArgumentException">The site is invalid, or kind is None.</exception>
        public static string AllDevices(string site, TopicKind kind)
        {
            CheckSiteAndKind(site, kind);
            return Root + "/" + site + "/sensors/+/" + Leaf(kind);
        }

        /// <summary>
        /// The gateway's session probe for a site: the gateway publishes to it and reads it back through its own broker
        /// session to measure its backlog. The site ACL lets only the gateway read and write it.
        /// </summary>
        /// <exception cref="ArgumentException">The site is invalid.</exception>
        public static string GatewayProbe(string site)
        {
            CheckId(site, "site");
            return Root + "/" + site + "/gateway/probe";
        }

        private static void CheckSiteAndKind(string site, TopicKind kind)
        {
            CheckId(site, "site");
            if (kind < TopicKind.Accel || kind > TopicKind.Config)
            {
                throw new ArgumentException("kind must be Accel, Status, Event or Config.", "kind");
            }
        }

        private static void CheckId(string id, string name)
        {
            if (!WireFormat.IsValidId(id))
            {
                throw new ArgumentException("An id is 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'.", name);
            }
        }

        /// <summary>The last level of a topic of <paramref name="kind"/>.</summary>
        public static string Leaf(TopicKind kind)
        {
            switch (kind)
            {
                case TopicKind.Accel: return "accel";
                case TopicKind.Status: return "status";
                case TopicKind.Event: return "event";
                case TopicKind.Config: return "config";
                default: return "none";
            }
        }

        /// <summary>
        /// Parses a sensor topic. Returns false, with empty outputs, for anything that is not exactly
        /// care/{valid site}/sensors/{valid device}/{known leaf}.
        /// </summary>
        public static bool TryParse(string topic, out string site, out string deviceId, out TopicKind kind)
        {
            site = string.Empty;
            deviceId = string.Empty;
            kind = TopicKind.None;
            if (topic == null)
            {
                return false;
            }

            string[] parts = topic.Split('/');
            if (parts.Length != 5 || parts[0] != Root || parts[2] != "sensors"
                || !WireFormat.IsValidId(parts[1]) || !WireFormat.IsValidId(parts[3]))
            {
                return false;
            }

            TopicKind k = TopicKind.None;
            for (int i = 1; i <= 4; i++)
            {
                if (parts[4] == Leaf((TopicKind)i))
                {
                    k = (TopicKind)i;
                }
            }

            if (k == TopicKind.None)
            {
                return false;
            }

            site = parts[1];
            deviceId = parts[3];
            kind = k;
            return true;
        }
    }
}
