using System;

namespace Edge.Protocol
{
    /// <summary>
    /// The MQTT last will a device registers on its status topic: the ASCII text
    /// <c>offline:v1:{deviceId}</c>, e.g. <c>offline:v1:m5-0001</c>. See docs/wire-protocol.md, section 3.5.
    /// </summary>
    /// <remarks>
    /// The will is ASCII, not a binary <see cref="DeviceStatus"/>, because nanoFramework.M2Mqtt takes the
    /// will message as a string and sends it UTF-8 encoded: every byte at or above 0x80 of a binary
    /// payload (the CRC, state of charge 255) would arrive as two bytes. ASCII is the same in UTF-8.
    /// Its first byte ('o', 0x6F) is never a protocol version, so <see cref="WireDecoder"/> refuses a will
    /// with <see cref="DecodeStatus.UnknownVersion"/>; a receiver checks <see cref="TryParse"/> first.
    /// It carries no CRC: it is registered at connect time and delivered by the broker over TCP, and the
    /// receiver compares the id with the topic's device.
    /// </remarks>
    public static class LastWill
    {
        /// <summary>The text before the device id.</summary>
        public const string Prefix = "offline:v1:";

        /// <summary>Longest will: the prefix and a 32-character id (43 bytes).</summary>
        public const int MaxSize = 11 + WireFormat.MaxIdLength;

        /// <summary>The will as text, for MQTT clients that take it as a string (nanoFramework.M2Mqtt).</summary>
        /// <exception cref="ArgumentException">The device id is invalid.</exception>
        public static string Text(string deviceId)
        {
            if (!WireFormat.IsValidId(deviceId))
            {
                throw new ArgumentException("A device id is 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'.", "deviceId");
            }

            return Prefix + deviceId;
        }

        /// <summary>The will as the bytes the broker publishes (ASCII).</summary>
        /// <exception cref="ArgumentException">The device id is invalid.</exception>
        public static byte[] Payload(string deviceId)
        {
            string text = Text(deviceId);
            byte[] bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                bytes[i] = (byte)text[i];
            }

            return bytes;
        }

        /// <summary>
        /// True when the bytes in [offset, offset + length) are exactly a will: the prefix and a valid
        /// device id, nothing else. Returns false (device id null) for anything else; never throws on
        /// bad bytes and reads nothing outside the range.
        /// </summary>
        /// <exception cref="ArgumentException">The buffer, offset and length do not describe a range of the array (a caller bug, not bad input).</exception>
        public static bool TryParse(byte[] buffer, int offset, int length, out string deviceId)
        {
            if (buffer == null || offset < 0 || length < 0 || offset > buffer.Length - length)
            {
                throw new ArgumentException("offset and length must describe a range inside buffer.");
            }

            deviceId = null;
            int idLength = length - Prefix.Length;
            if (idLength < 1 || idLength > WireFormat.MaxIdLength)
            {
                return false;
            }

            for (int i = 0; i < Prefix.Length; i++)
            {
                if (buffer[offset + i] != (byte)Prefix[i])
                {
                    return false;
                }
            }

            char[] chars = new char[idLength];
            for (int i = 0; i < idLength; i++)
            {
                chars[i] = (char)buffer[offset + Prefix.Length + i];
            }

            string id = new string(chars);
            if (!WireFormat.IsValidId(id))
            {
                return false;
            }

            deviceId = id;
            return true;
        }
    }
}
