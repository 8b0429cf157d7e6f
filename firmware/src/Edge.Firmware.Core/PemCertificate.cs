namespace Edge.Firmware.Core
{
    /// <summary>
    /// Prepares the broker's CA file for nanoFramework's <c>X509Certificate(byte[])</c>, whose native
    /// parser (mbedTLS) reads PEM only when the bytes end in a NUL: without it the constructor throws and
    /// the device never reaches the broker (issue 14).
    /// </summary>
    public static class PemCertificate
    {
        /// <summary>The line that starts a PEM certificate.</summary>
        public const string BeginMarker = "-----BEGIN CERTIFICATE-----";

        /// <summary>The line that ends a PEM certificate.</summary>
        public const string EndMarker = "-----END CERTIFICATE-----";

        /// <summary>
        /// Returns the first <paramref name="length"/> bytes of <paramref name="file"/> as PEM text
        /// ending in exactly one NUL byte (a UTF-8 byte-order mark and trailing NULs removed), or null
        /// when they are not a PEM certificate: no BEGIN/END CERTIFICATE markers in that order, a NUL or
        /// non-ASCII byte inside, or nothing at all.
        /// </summary>
        public static byte[] NulTerminated(byte[] file, int length)
        {
            if (file == null || length <= 0 || length > file.Length)
            {
                return null;
            }

            int start = 0;
            if (length >= 3 && file[0] == 0xEF && file[1] == 0xBB && file[2] == 0xBF)
            {
                start = 3;
            }

            int end = length;
            while (end > start && file[end - 1] == 0)
            {
                end--;
            }

            for (int i = start; i < end; i++)
            {
                byte b = file[i];
                if (b == 0 || b > 0x7E || (b < 0x20 && b != (byte)'\n' && b != (byte)'\r' && b != (byte)'\t'))
                {
                    return null;
                }
            }

            int begin = IndexOf(file, start, end, BeginMarker);
            if (begin < 0 || IndexOf(file, begin + BeginMarker.Length, end, EndMarker) < 0)
            {
                return null;
            }

            byte[] pem = new byte[end - start + 1];
            System.Array.Copy(file, start, pem, 0, end - start);
            pem[pem.Length - 1] = 0;
            return pem;
        }

        private static int IndexOf(byte[] bytes, int from, int to, string ascii)
        {
            for (int i = from; i <= to - ascii.Length; i++)
            {
                int k = 0;
                while (k < ascii.Length && bytes[i + k] == (byte)ascii[k])
                {
                    k++;
                }

                if (k == ascii.Length)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
