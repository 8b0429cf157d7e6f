using System;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Wifi;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using Edge.Firmware.Core;
using Edge.Protocol;
using nanoFramework.Hardware.Esp32;
using nanoFramework.Networking;
using nanoFramework.Runtime.Native;

namespace Edge.Firmware.Device
{
    /// <summary>
    /// The wearable's entry point on an M5StickC Plus: reads I:\config.txt and the broker's CA, sets up
    /// the AXP192 (charge current, backlight off) and the MPU6886, wires the firmware core to them, the
    /// call button, the LED, the buzzer, Wi-Fi and MQTT, and runs the sampling and network threads.
    /// No exception ends the app: whatever escapes a thread is recorded as a <see cref="DeviceFault.Crash"/>,
    /// published on the status topic when the session is up, kept across the reboot, and followed by a
    /// growing back-off and <c>Power.RebootDevice()</c>. NOT BUILT OR RUN HERE: see firmware/README.md.
    /// </summary>
    public static class Program
    {
        private const string ConfigPath = "I:\\config.txt";
        private const int I2cSda = 21;
        private const int I2cScl = 22;
        private const int ButtonPin = 37; // button A, active low
        private const int LedPin = 10;    // red LED, active low
        private const int BuzzerPin = 2;
        private const int SensorRetryMs = 30000;
        private const int FirstRebootDelayMs = 10000;
        private const int MaxRebootDelayMs = 600000;
        private const int ConfigRebootDelayMs = 60000;
        private const long StableRunUs = 600000000L; // 10 min: a fault after that starts the back-off over

        private static readonly AutoResetEvent s_wake = new AutoResetEvent(false);
        private static readonly object s_rebootGate = new object();
        private static HighResClock s_clock;
        private static StatusLed s_led;
        private static GpioPin s_buzzer;
        private static SensorNode s_node;
        private static M2MqttPublisher s_mqtt;
        private static Mpu6886Accelerometer s_accel;
        private static RebootRecord s_previous;
        private static bool s_rebooting;
        private static Thread s_networkThread;
        private static byte s_mainCrashDetail = DeviceFaults.CrashAtBoot;

        /// <summary>Boots the wearable; then this thread is the network thread.</summary>
        public static void Main()
        {
            try
            {
                s_clock = new HighResClock();
                s_networkThread = Thread.CurrentThread;
                GpioController gpio = new GpioController();
                s_led = new StatusLed(gpio.OpenPin(LedPin, PinMode.Output));
                s_buzzer = gpio.OpenPin(BuzzerPin, PinMode.Output);
                s_previous = RebootRecord.TakeFromFlash();

                SensorSettings settings = LoadSettings();
                X509Certificate ca = LoadCaCertificate(settings.TlsCa);

                Configuration.SetPinFunction(I2cScl, DeviceFunction.I2C1_CLOCK);
                Configuration.SetPinFunction(I2cSda, DeviceFunction.I2C1_DATA);
                Axp192Power power = new Axp192Power(I2cDevice.Create(new I2cConnectionSettings(1, Axp192Power.DefaultAddress)));
                bool powerOk = power.Initialize();
                s_accel = new Mpu6886Accelerometer(I2cDevice.Create(new I2cConnectionSettings(1, Mpu6886Accelerometer.DefaultAddress)));
                int sensorFault = s_accel.Initialize();

                s_mqtt = new M2MqttPublisher(settings, ca);
                s_node = new SensorNode(settings, s_clock, s_accel, power, s_mqtt, new DeviceRandom((int)s_clock.NowMicroseconds));
                FaultLog faults = s_node.Faults;
                s_mqtt.Faults = faults;
                power.Faults = faults;
                if (s_previous != null)
                {
                    faults.Record(s_previous.Fault, s_previous.Detail, false);
                    Console.WriteLine("boot: after a fault reboot: " + DeviceFaults.Describe(s_previous.Fault, s_previous.Detail));
                }

                if (!powerOk)
                {
                    faults.Record(DeviceFault.PowerMonitor, 0, true);
                    Console.WriteLine("boot: " + DeviceFaults.Describe(DeviceFault.PowerMonitor, 0));
                }

                if (sensorFault != 0)
                {
                    // The button still works without the accelerometer: keep running, report, retry.
                    faults.Record(DeviceFault.Sensor, sensorFault, true);
                    Console.WriteLine("boot: " + DeviceFaults.Describe(DeviceFault.Sensor, sensorFault));
                }

                GpioPin button = gpio.OpenPin(ButtonPin, PinMode.Input);
                button.DebounceTimeout = TimeSpan.FromMilliseconds(20);
                button.ValueChanged += OnButton;

                Thread sampling = new Thread(SamplingLoop);
                sampling.Priority = ThreadPriority.Highest;
                sampling.Start();

                ConnectWifi(settings);
                s_mainCrashDetail = DeviceFaults.CrashInNetwork;
                NetworkLoop();
            }
            catch (Exception e)
            {
                FailAndReboot(DeviceFault.Crash, s_mainCrashDetail, e.Message);
            }
        }

        private static void SamplingLoop()
        {
            try
            {
                long nextSensorRetryUs = 0;
                while (true)
                {
                    FaultLog faults = s_node.Faults;
                    bool sensorDown = !s_accel.IsReady || (faults.Active && faults.Code == DeviceFault.Sensor);
                    if (sensorDown && s_clock.NowMicroseconds >= nextSensorRetryUs)
                    {
                        int detail = s_accel.Initialize();
                        if (detail == 0)
                        {
                            faults.Clear(DeviceFault.Sensor);
                        }
                        else
                        {
                            faults.Record(DeviceFault.Sensor, detail, true);
                        }

                        nextSensorRetryUs = s_clock.NowMicroseconds + (SensorRetryMs * 1000L);
                    }

                    long waitUs = s_node.SampleIfDue();

                    // Sleep to the next deadline; Thread.Sleep has ms resolution, so wake a little early.
                    int ms = (int)(waitUs / 1000) - 1;
                    Thread.Sleep(ms > 0 ? ms : 0);
                }
            }
            catch (Exception e)
            {
                FailAndReboot(DeviceFault.Crash, DeviceFaults.CrashInSampling, e.Message);
            }
        }

        private static void NetworkLoop()
        {
            while (true)
            {
                s_node.ServiceNetwork();
                s_led.CallPending = s_node.PendingEvents > 0;
                s_led.Blinks = FaultBlinks(s_node.Faults, s_mqtt.IsConnected);
                s_wake.WaitOne(100, false);
            }
        }

        // What the LED blinks: a fault that keeps the unit from reporting (while it cannot), or a
        // present sensor or power-chip fault; nothing once all is well.
        private static int FaultBlinks(FaultLog faults, bool connected)
        {
            DeviceFault code = faults.Code;
            if (faults.Active)
            {
                return (int)code;
            }

            bool connectFault = code == DeviceFault.Certificate || code == DeviceFault.WiFi
                || code == DeviceFault.BrokerUnreachable || code == DeviceFault.BrokerRefused;
            return !connected && connectFault ? (int)code : 0;
        }

        private static void OnButton(object sender, PinValueChangedEventArgs e)
        {
            try
            {
                if (e.ChangeType == PinEventTypes.Falling)
                {
                    s_node.ButtonPressed();
                    s_wake.Set();
                    s_buzzer.Write(PinValue.High); // a short click as feedback (a tone would need PWM)
                    Thread.Sleep(30);
                    s_buzzer.Write(PinValue.Low);
                }
            }
            catch (Exception ex)
            {
                FailAndReboot(DeviceFault.Crash, DeviceFaults.CrashInButtonHandler, ex.Message);
            }
        }

        // Joins the Wi-Fi (the sampling thread already runs, so nothing is lost while this retries).
        // Automatic reconnection is then left to the Wi-Fi driver; requiresDateTime because TLS checks
        // certificate dates. Each failure is recorded with nanoFramework's status, by name (an enum's
        // ToString() gives the number on nanoFramework).
        private static void ConnectWifi(SensorSettings settings)
        {
            Backoff backoff = new Backoff(5000, 300000, new DeviceRandom((int)s_clock.NowMicroseconds));
            while (true)
            {
                CancellationTokenSource cts = new CancellationTokenSource(60000);
                if (WifiNetworkHelper.ConnectDhcp(settings.WifiSsid, settings.WifiPassword, WifiReconnectionKind.Automatic, true, 0, cts.Token))
                {
                    s_led.Blinks = 0;
                    return;
                }

                int status = (int)WifiNetworkHelper.Status;
                s_node.Faults.Record(DeviceFault.WiFi, status, false);
                s_led.Blinks = (int)DeviceFault.WiFi;
                Exception why = WifiNetworkHelper.HelperException;
                Console.WriteLine("wifi: " + DeviceFaults.Describe(DeviceFault.WiFi, status) + (why == null ? string.Empty : " (" + why.Message + ")"));
                Thread.Sleep(backoff.NextDelayMs());
            }
        }

        private static SensorSettings LoadSettings()
        {
            byte[] bytes = FlashFile.ReadAll(ConfigPath);
            if (bytes == null)
            {
                FailAndReboot(DeviceFault.None, 0, ConfigPath + " not found; provision the device (firmware/README.md)");
            }

            ProvisioningResult result = ProvisioningParser.Parse(Encoding.UTF8.GetString(bytes, 0, bytes.Length));
            if (!result.IsOk)
            {
                for (int i = 0; i < result.Errors.Length; i++)
                {
                    Console.WriteLine("config: " + result.Errors[i].ToString());
                }

                FailAndReboot(DeviceFault.None, 0, "config.txt has " + result.Errors.Length.ToString() + " error(s)");
            }

            return result.Settings;
        }

        // The broker's CA as nanoFramework's parser needs it: PEM text ending in a NUL byte.
        private static X509Certificate LoadCaCertificate(string fileName)
        {
            string path = "I:\\" + fileName;
            byte[] file = FlashFile.ReadAll(path);
            if (file == null)
            {
                FailAndReboot(DeviceFault.Certificate, DeviceFaults.CertificateMissing, "tls_ca: " + path + " not found");
            }

            byte[] pem = PemCertificate.NulTerminated(file, file.Length);
            if (pem == null)
            {
                FailAndReboot(DeviceFault.Certificate, DeviceFaults.CertificateNotPem, "tls_ca: " + path + " is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
            }

            try
            {
                return new X509Certificate(pem);
            }
            catch (Exception e)
            {
                FailAndReboot(DeviceFault.Certificate, DeviceFaults.CertificateRefused, "tls_ca: " + path + " refused: " + e.Message);
                return null;
            }
        }

        /// <summary>
        /// The end of every path that cannot go on (<see cref="DeviceFault.None"/> for a config.txt
        /// problem, which has no code: the unit cannot even try to connect): says why on the console, records the fault and
        /// publishes a status with it when the session is up, keeps it in flash for the next boot,
        /// blinks the fault code through a back-off that doubles with each fault reboot in a row
        /// (10 s up to 10 min), and reboots. Never returns. Only the first caller proceeds; a second
        /// thread that fails meanwhile just waits for the reboot.
        /// </summary>
        private static void FailAndReboot(DeviceFault fault, int detail, string why)
        {
            lock (s_rebootGate)
            {
                if (s_rebooting)
                {
                    Thread.Sleep(Timeout.Infinite);
                }

                s_rebooting = true;
            }

            int delayMs = FirstRebootDelayMs;
            try
            {
                Console.WriteLine("fault: " + (fault == DeviceFault.None ? "config" : DeviceFaults.Describe(fault, detail)) + ": " + why);
                int consecutive = 1;
                if (s_previous != null && (s_clock == null || s_clock.NowMicroseconds < StableRunUs))
                {
                    consecutive = s_previous.Consecutive + 1;
                }

                for (int i = 1; i < consecutive && delayMs < MaxRebootDelayMs; i++)
                {
                    delayMs *= 2;
                }

                delayMs = delayMs > MaxRebootDelayMs ? MaxRebootDelayMs : delayMs;
                if (fault == DeviceFault.None)
                {
                    // config.txt: read again once a minute until a technician fixes it.
                    delayMs = ConfigRebootDelayMs;
                }

                if (s_led != null)
                {
                    s_led.Blinks = fault == DeviceFault.None ? StatusLed.ConfigBlinks : (int)fault;
                }

                if (fault != DeviceFault.None)
                {
                    RebootRecord record = new RebootRecord();
                    record.Fault = fault;
                    record.Detail = detail;
                    record.Consecutive = consecutive;
                    record.Save();
                    TryReportOnStatusTopic(fault, detail);
                }
            }
            catch (Exception)
            {
                // Reporting is best effort; the reboot is not.
            }

            try
            {
                Thread.Sleep(delayMs);
            }
            finally
            {
                while (true)
                {
                    Power.RebootDevice();
                    Thread.Sleep(1000);
                }
            }
        }

        // Puts the fault on the status topic if the session is up: directly on the network thread,
        // else by waking the network thread and giving it a few seconds.
        private static void TryReportOnStatusTopic(DeviceFault fault, int detail)
        {
            if (s_node == null)
            {
                return;
            }

            s_node.Faults.Record(fault, detail, false);
            if (s_mqtt == null || !s_mqtt.IsConnected)
            {
                return;
            }

            if (Thread.CurrentThread == s_networkThread)
            {
                try
                {
                    s_node.ServiceNetwork();
                }
                catch (Exception)
                {
                    // The network thread is what failed; the record in flash still goes out after the reboot.
                }
            }
            else
            {
                s_wake.Set();
                Thread.Sleep(3000);
            }
        }
    }
}
