using System;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Wifi;
using System.IO;
using System.Text;
using System.Threading;
using Edge.Firmware.Core;
using nanoFramework.Hardware.Esp32;
using nanoFramework.Networking;

namespace Edge.Firmware.Device
{
    /// <summary>
    /// The wearable's entry point on an M5StickC Plus: reads I:\config.txt, wires the firmware core
    /// to the MPU6886, AXP192, call button, LED, buzzer, Wi-Fi and MQTT, and runs the sampling and
    /// network threads. NOT BUILT OR RUN HERE: see firmware/README.md for what was verified.
    /// </summary>
    public static class Program
    {
        private const string ConfigPath = "I:\\config.txt";
        private const int I2cSda = 21;
        private const int I2cScl = 22;
        private const int ButtonPin = 37; // button A, active low
        private const int LedPin = 10;    // red LED, active low
        private const int BuzzerPin = 2;

        private static SensorNode s_node;
        private static GpioPin s_led;
        private static GpioPin s_buzzer;
        private static readonly AutoResetEvent s_wake = new AutoResetEvent(false);

        /// <summary>Boots the wearable.</summary>
        public static void Main()
        {
            GpioController gpio = new GpioController();
            s_led = gpio.OpenPin(LedPin, PinMode.Output);
            s_buzzer = gpio.OpenPin(BuzzerPin, PinMode.Output);
            s_led.Write(PinValue.High); // off

            SensorSettings settings = LoadSettingsOrHalt();
            byte[] ca = ReadFile("I:\\" + settings.TlsCa);
            if (ca == null)
            {
                Halt("tls_ca: file I:\\" + settings.TlsCa + " not found");
            }

            Configuration.SetPinFunction(I2cScl, DeviceFunction.I2C1_CLOCK);
            Configuration.SetPinFunction(I2cSda, DeviceFunction.I2C1_DATA);
            I2cDevice i2c = I2cDevice.Create(new I2cConnectionSettings(1, Mpu6886Accelerometer.DefaultAddress));
            Mpu6886Accelerometer accel = new Mpu6886Accelerometer(i2c);

            M2MqttPublisher mqtt = new M2MqttPublisher(settings, ca);
            HighResClock clock = new HighResClock();
            s_node = new SensorNode(settings, clock, accel, new Axp192Battery(), mqtt, new DeviceRandom((int)clock.NowMicroseconds));

            GpioPin button = gpio.OpenPin(ButtonPin, PinMode.Input);
            button.DebounceTimeout = TimeSpan.FromMilliseconds(20);
            button.ValueChanged += OnButton;

            Thread sampling = new Thread(SamplingLoop);
            sampling.Priority = ThreadPriority.Highest;
            sampling.Start();

            ConnectWifi(settings);
            NetworkLoop();
        }

        private static void SamplingLoop()
        {
            while (true)
            {
                long waitUs = s_node.SampleIfDue();

                // Sleep to the next deadline; Thread.Sleep has ms resolution, so wake a little early.
                int ms = (int)(waitUs / 1000) - 1;
                Thread.Sleep(ms > 0 ? ms : 0);
            }
        }

        private static void NetworkLoop()
        {
            while (true)
            {
                s_node.ServiceNetwork();
                s_led.Write(s_node.PendingEvents > 0 ? PinValue.Low : PinValue.High); // lit while a call is unacknowledged
                s_wake.WaitOne(100, false);
            }
        }

        private static void OnButton(object sender, PinValueChangedEventArgs e)
        {
            if (e.ChangeType == PinEventTypes.Falling)
            {
                s_node.ButtonPressed();
                s_buzzer.Write(PinValue.High); // a short click as feedback (a tone would need PWM)
                Thread.Sleep(30);
                s_buzzer.Write(PinValue.Low);
                s_wake.Set();
            }
        }

        private static void ConnectWifi(SensorSettings settings)
        {
            // Automatic reconnection is left to the Wi-Fi driver; requiresDateTime because TLS
            // checks certificate dates. Retried until it works: there is nothing useful to do offline
            // except keep sampling (the sampling thread already runs).
            while (true)
            {
                CancellationTokenSource cts = new CancellationTokenSource(60000);
                if (WifiNetworkHelper.ConnectDhcp(settings.WifiSsid, settings.WifiPassword, WifiReconnectionKind.Automatic, true, 0, cts.Token))
                {
                    return;
                }

                Exception why = WifiNetworkHelper.HelperException;
                Console.WriteLine("wifi: " + WifiNetworkHelper.Status.ToString() + (why == null ? string.Empty : " " + why.Message));
                Thread.Sleep(5000);
            }
        }

        private static SensorSettings LoadSettingsOrHalt()
        {
            byte[] bytes = ReadFile(ConfigPath);
            if (bytes == null)
            {
                Halt(ConfigPath + " not found; provision the device (firmware/README.md)");
            }

            ProvisioningResult result = ProvisioningParser.Parse(Encoding.UTF8.GetString(bytes, 0, bytes.Length));
            if (!result.IsOk)
            {
                for (int i = 0; i < result.Errors.Length; i++)
                {
                    Console.WriteLine("config: " + result.Errors[i].ToString());
                }

                Halt("config.txt has " + result.Errors.Length.ToString() + " error(s)");
            }

            return result.Settings;
        }

        private static byte[] ReadFile(string path)
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

        // A device that cannot run safely says why on the debug console and blinks fast, forever.
        private static void Halt(string why)
        {
            while (true)
            {
                Console.WriteLine("halted: " + why);
                for (int i = 0; i < 20; i++)
                {
                    s_led.Write(i % 2 == 0 ? PinValue.Low : PinValue.High);
                    Thread.Sleep(100);
                }
            }
        }
    }
}
