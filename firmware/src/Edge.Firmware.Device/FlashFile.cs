using System.IO;

namespace Edge.Firmware.Device
{
    /// <summary>Files on the unit's internal drive (I:\), where config.txt and the broker's CA are uploaded.</summary>
    public static class FlashFile
    {
        /// <summary>The whole file, or null when it does not exist.</summary>
        public static byte[] ReadAll(string path)
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using (FileStream fs = new FileStream(path, FileMode.Open, FileAccess.Read))
            {
                byte[] bytes = new byte[(int)fs.Length];
                int read = 0;
                while (read < bytes.Length)
                {
                    int n = fs.Read(bytes, read, bytes.Length - read);
                    if (n <= 0)
                    {
                        break;
                    }

                    read += n;
                }

                return bytes;
            }
        }
    }
}
