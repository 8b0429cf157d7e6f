namespace Edge.Firmware.Core
{
    /// <summary>Where an outbound message is in its life.</summary>
    internal enum SendState
    {
        /// <summary>Slot unused (or acknowledged and released).</summary>
        Free = 0,

        /// <summary>Waiting to be published.</summary>
        Pending = 1,

        /// <summary>Handed to the MQTT session; waiting for the broker's acknowledgement.</summary>
        InFlight = 2,
    }

    /// <summary>A preallocated telemetry batch waiting for the broker.</summary>
    internal sealed class TelemetrySlot
    {
        internal TelemetrySlot(int maxSamples)
        {
            Samples = new short[3 * maxSamples];
        }

        internal short[] Samples { get; private set; }

        internal int Count { get; set; }

        internal long FirstSlot { get; set; }

        internal uint Sequence { get; set; }

        internal byte Flags { get; set; }

        internal SendState State { get; set; }

        internal int MessageId { get; set; }

        internal long SentUs { get; set; }
    }

    /// <summary>A button press or trigger event waiting for the broker.</summary>
    internal sealed class EventSlot
    {
        internal Edge.Protocol.EventKind Kind { get; set; }

        internal uint Sequence { get; set; }

        internal long TimeUs { get; set; }

        internal int Value { get; set; }

        internal SendState State { get; set; }

        internal int MessageId { get; set; }

        internal long SentUs { get; set; }
    }
}
