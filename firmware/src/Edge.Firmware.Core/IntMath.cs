namespace Edge.Firmware.Core
{
    /// <summary>Integer arithmetic the core needs; nanoFramework's mscorlib has no Math class.</summary>
    public static class IntMath
    {
        /// <summary>Floor of the square root of a non-negative value (bit-by-bit method, exact).</summary>
        public static long Sqrt(long value)
        {
            if (value < 0)
            {
                throw new System.ArgumentException("Square root of a negative value.");
            }

            long result = 0;
            long bit = 1L << 62;
            while (bit > value)
            {
                bit >>= 2;
            }

            while (bit != 0)
            {
                if (value >= result + bit)
                {
                    value -= result + bit;
                    result = (result >> 1) + bit;
                }
                else
                {
                    result >>= 1;
                }

                bit >>= 2;
            }

            return result;
        }

        /// <summary>Squared magnitude of an x, y, z count triple (fits a long for any int16 values).</summary>
        public static long MagnitudeSquared(int x, int y, int z)
        {
            return ((long)x * x) + ((long)y * y) + ((long)z * z);
        }

        /// <summary>Counts per g at a full-scale range: 32768 / range (2048 at ±16 g).</summary>
        public static int CountsPerG(int rangeG)
        {
            return 32768 / rangeG;
        }

        /// <summary>Milli-g to counts at a full-scale range, rounded to nearest.</summary>
        public static long MilliGToCounts(long milliG, int rangeG)
        {
            return ((milliG * CountsPerG(rangeG)) + 500) / 1000;
        }

        /// <summary>Counts to milli-g at a full-scale range, rounded to nearest.</summary>
        public static long CountsToMilliG(long counts, int rangeG)
        {
            int perG = CountsPerG(rangeG);
            return ((counts * 1000) + (perG / 2)) / perG;
        }

        /// <summary>Magnitude of an x, y, z count triple in milli-g, saturated at 65535.</summary>
        public static int MagnitudeMilliG(int x, int y, int z, int rangeG)
        {
            long mg = CountsToMilliG(Sqrt(MagnitudeSquared(x, y, z)), rangeG);
            return mg > 65535 ? 65535 : (int)mg;
        }
    }
}
