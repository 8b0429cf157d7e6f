namespace Edge.Protocol
{
    /// <summary>
    /// Serial-number arithmetic (RFC 1982 style) for the 32-bit sequence numbers that wrap from
    /// 0xFFFFFFFF to 0. Two sequence numbers are compared by their signed distance, which is correct
    /// while they are less than 2^31 apart.
    /// </summary>
    public static class SequenceNumber
    {
        /// <summary>
        /// Signed distance from <paramref name="from"/> to <paramref name="to"/>: positive when
        /// <paramref name="to"/> is newer. Distance(0xFFFFFFFF, 0) is 1.
        /// </summary>
        public static int Distance(uint from, uint to)
        {
            return unchecked((int)(to - from));
        }

        /// <summary>True when <paramref name="candidate"/> comes after <paramref name="reference"/>.</summary>
        public static bool IsNewer(uint candidate, uint reference)
        {
            return Distance(reference, candidate) > 0;
        }

        /// <summary>The number after <paramref name="value"/>, wrapping to 0.</summary>
        public static uint Next(uint value)
        {
            return unchecked(value + 1);
        }
    }
}
