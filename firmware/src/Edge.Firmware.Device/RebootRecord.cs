using System;
using System.IO;
using Edge.Protocol;

namespace Edge.Firmware.Device
{
    /// <summary>
    /// The fault that made the device reboot, kept across the reboot in a 4-byte file on the
    /// internal drive ('F', code, detail, consecutive fault reboots), so the first status after it
    /// reports why (DeviceStatus.FaultCode) and the back-off before the next reboot grows.
    /// </summary>
    public sealed class RebootRecord
    {
        /// <summary>Where the record lives.</summary>
        public const string Path = "I:\\fault.bin";

        private const byte Magic = (byte)'F';

        /// <summary>The fault before the reboot.</summary>
        public DeviceFault Fault { get; set; }

        /// <summary>Its detail.</summary>
        public int Detail { get; set; }

        /// <summary>Fault reboots in a row (1 after the first).</summary>
        public int Consecutive { get; set; }

        /// <summary>Reads and deletes the record; null when there is none (a normal power-on) or it cannot be read.</summary>
        public static RebootRecord TakeFromFlash()
        {
            try
            {
                if (!File.Exists(Path))
                {
                    return null;
                }

                byte[] b = new byte[4];
                int n;
                using (FileStream fs = new FileStream(Path, FileMode.Open, FileAccess.Read))
                {
                    n = fs.Read(b, 0, 4);
                }

                File.Delete(Path);
                if (n != 4 || b[0] != Magic || b[1] > (byte)DeviceFaults.Last)
                {
                    return null;
                }

                RebootRecord r = new RebootRecord();
                r.Fault = (DeviceFault)b[1];
                r.Detail = b[2];
                r.Consecutive = b[3];
                return r;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Writes the record; false when the drive refused (the reboot goes ahead anyway).</summary>
        public bool Save()
        {
            try
            {
                byte[] b = new byte[4];
                b[0] = Magic;
                b[1] = (byte)Fault;
                b[2] = (byte)(Detail < 0 ? 0 : (Detail > 255 ? 255 : Detail));
                b[3] = (byte)(Consecutive > 255 ? 255 : Consecutive);
                using (FileStream fs = new FileStream(Path, FileMode.Create, FileAccess.Write))
                {
                    fs.Write(b, 0, 4);
                    fs.Flush();
                }

                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }
}
