using System;
using System.Device.Gpio;
using System.Threading;

namespace Edge.Firmware.Device
{
    /// <summary>
    /// The red LED (GPIO10, active low) on its own thread: lit while a call is waiting for the
    /// broker's acknowledgement; otherwise a fault that keeps the unit from reporting is blinked as a
    /// count, repeated every few seconds, so a technician can read it without a console
    /// (firmware/README.md: 1 certificate, 2 Wi-Fi, 3 broker unreachable, 4 broker refused,
    /// 5 accelerometer, 6 power chip, 7 crash before reboot, 9 config.txt); dark when all is well.
    /// </summary>
    public sealed class StatusLed
    {
        /// <summary>Blink count for a config.txt problem (not a protocol fault: the unit cannot even try to connect).</summary>
        public const int ConfigBlinks = 9;

        private readonly GpioPin _pin;
        private int _blinks;
        private bool _callPending;

        /// <summary>Takes the LED pin (already opened as output) and starts the LED thread.</summary>
        public StatusLed(GpioPin pin)
        {
            _pin = pin;
            _pin.Write(PinValue.High); // off
            Thread t = new Thread(Run);
            t.Priority = ThreadPriority.BelowNormal;
            t.Start();
        }

        /// <summary>How many blinks to repeat; 0 for none.</summary>
        public int Blinks
        {
            get { return _blinks; }
            set { _blinks = value; }
        }

        /// <summary>Lit steadily while true (a call is unacknowledged).</summary>
        public bool CallPending
        {
            get { return _callPending; }
            set { _callPending = value; }
        }

        private void Run()
        {
            while (true)
            {
                // The LED must never take the app down: anything it throws is dropped and it goes on.
                try
                {
                    if (_callPending)
                    {
                        _pin.Write(PinValue.Low);
                        Thread.Sleep(200);
                        continue;
                    }

                    int n = _blinks;
                    if (n <= 0)
                    {
                        _pin.Write(PinValue.High);
                        Thread.Sleep(250);
                        continue;
                    }

                    for (int i = 0; i < n && !_callPending; i++)
                    {
                        _pin.Write(PinValue.Low);
                        Thread.Sleep(150);
                        _pin.Write(PinValue.High);
                        Thread.Sleep(300);
                    }

                    Thread.Sleep(2000);
                }
                catch (Exception)
                {
                    Thread.Sleep(1000);
                }
            }
        }
    }
}
