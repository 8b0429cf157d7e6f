namespace Edge.Alerting.Espa;

/// <summary>Which side of the ESPA line the gateway plays.</summary>
public enum EspaRole
{
    /// <summary>The gateway is the control station: it polls the paging system and selects it to send calls.</summary>
    ControlStation,

    /// <summary>The paging system is the control station and polls the gateway, which answers with its calls.</summary>
    PolledStation,
}

/// <summary>How the ESPA byte stream reaches the paging system.</summary>
public enum EspaTransportKind
{
    /// <summary>A local serial device (e.g. /dev/ttyUSB0), configured through System.IO.Ports.</summary>
    Serial,

    /// <summary>A TCP connection to a serial server (RS-232 over TCP).</summary>
    Tcp,
}

/// <summary>Serial parity.</summary>
public enum SerialParity
{
    /// <summary>No parity bit.</summary>
    None,

    /// <summary>Even parity (ESPA 4.4.4 specification).</summary>
    Even,

    /// <summary>Odd parity.</summary>
    Odd,
}

/// <summary>Serial line settings. The default is the specification's 7E2 at 9600 baud.</summary>
public sealed class SerialLineSettings
{
    /// <summary>Supported baud rates.</summary>
    public static IReadOnlyList<int> SupportedBaudRates { get; } = [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

    /// <summary>Device path, e.g. /dev/ttyUSB0 or /dev/serial/by-id/....</summary>
    public string DevicePath { get; set; } = "";

    /// <summary>Baud rate, 300–115200 (ESPA devices commonly use 1200 or 9600).</summary>
    public int BaudRate { get; set; } = 9600;

    /// <summary>Data bits: 7 (specification) or 8.</summary>
    public int DataBits { get; set; } = 7;

    /// <summary>Parity: even by the specification.</summary>
    public SerialParity Parity { get; set; } = SerialParity.Even;

    /// <summary>Stop bits: 2 by the specification, 1 on much real equipment.</summary>
    public int StopBits { get; set; } = 2;

    /// <summary>
    /// After configuring the device, read the settings back and fail the open if the driver did not apply the
    /// framing (some USB adapters cannot do 7 data bits). Linux pseudo-terminals always force 8 data bits and no
    /// parity, so tests on a pty turn this off.
    /// </summary>
    public bool VerifyFraming { get; set; } = true;

    /// <summary>Short form such as "9600 7E2".</summary>
    public override string ToString() => $"{BaudRate} {DataBits}{Parity.ToString()[0]}{StopBits}";

    internal void Validate(List<string> errors, string prefix)
    {
        if (string.IsNullOrWhiteSpace(DevicePath))
        {
            errors.Add($"{prefix}DevicePath is required for a serial transport.");
        }

        if (!SupportedBaudRates.Contains(BaudRate))
        {
            errors.Add($"{prefix}BaudRate {BaudRate} is not supported; use one of {string.Join(", ", SupportedBaudRates)}.");
        }

        if (DataBits is not (7 or 8))
        {
            errors.Add($"{prefix}DataBits must be 7 or 8 (is {DataBits}).");
        }

        if (StopBits is not (1 or 2))
        {
            errors.Add($"{prefix}StopBits must be 1 or 2 (is {StopBits}).");
        }

        if (!Enum.IsDefined(Parity))
        {
            errors.Add($"{prefix}Parity must be None, Even or Odd.");
        }
    }
}

/// <summary>Settings of one ESPA 4.4.4 channel. Every timing is a setting: vendors differ.</summary>
public sealed class EspaOptions : IValidatableAlertOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Alerting:Espa";

    /// <summary>Channel name in logs and attempt records.</summary>
    public string Name { get; set; } = "espa";

    /// <summary>Which side of the line the gateway plays.</summary>
    public EspaRole Role { get; set; } = EspaRole.ControlStation;

    /// <summary>Serial device or TCP serial server.</summary>
    public EspaTransportKind Transport { get; set; } = EspaTransportKind.Serial;

    /// <summary>Serial settings (when <see cref="Transport"/> is Serial).</summary>
    public SerialLineSettings Serial { get; set; } = new();

    /// <summary>Serial server host (when <see cref="Transport"/> is Tcp).</summary>
    public string TcpHost { get; set; } = "";

    /// <summary>Serial server port (when <see cref="Transport"/> is Tcp).</summary>
    public int TcpPort { get; set; }

    /// <summary>Address of the control station ('1' by convention): the gateway in the control role, the paging system in the polled role.</summary>
    public char ControlStationAddress { get; set; } = '1';

    /// <summary>Address of the other station ('2' by convention): the paging system in the control role, the gateway in the polled role.</summary>
    public char StationAddress { get; set; } = '2';

    /// <summary>Longest display message (record 2). 128 by the specification; many DECT handsets show 48.</summary>
    public int MaxDisplayLength { get; set; } = 128;

    /// <summary>Longest call address (record 1): 16 by the specification.</summary>
    public int MaxCallAddressLength { get; set; } = 16;

    /// <summary>Call type for alerts (record 4): '3' standard or '2' speech.</summary>
    public char CallType { get; set; } = '3';

    /// <summary>Beep coding (record 3), '1'–'9', or null to leave the record out.</summary>
    public char? BeepCoding { get; set; }

    /// <summary>Number of transmissions (record 5), or null to leave the record out.</summary>
    public int? Transmissions { get; set; }

    /// <summary>Whether to send the priority record (6).</summary>
    public bool SendPriority { get; set; } = true;

    /// <summary>How long to wait for ACK after a select.</summary>
    public TimeSpan SelectTimeout { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>How long to wait for ACK or NAK after a block.</summary>
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Selects and block sends are retried this many times after the first try.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>How long to wait after a busy answer (2 NAK) before sending again.</summary>
    public TimeSpan BusyBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Control role: interval between polls of the paging system; zero disables polling.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Control role: how long to wait for the answer to a poll.</summary>
    public TimeSpan PollResponseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive unanswered polls before the link is reported degraded.</summary>
    public int UnansweredPollsForDegraded { get; set; } = 3;

    /// <summary>A link silent this long counts as dead ("paging link down").</summary>
    public TimeSpan LinkDeadAfter { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Polled role: how long a call may wait to be polled out before it counts as timed out.</summary>
    public TimeSpan PolledDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause before reopening a failed serial device or TCP connection.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>TCP connect timeout.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("Name is required.");
        }

        if (Transport == EspaTransportKind.Serial)
        {
            Serial.Validate(errors, "Serial.");
        }
        else if (Transport == EspaTransportKind.Tcp)
        {
            if (string.IsNullOrWhiteSpace(TcpHost))
            {
                errors.Add("TcpHost is required for a TCP transport.");
            }

            Check.Range(errors, TcpPort, 1, 65535, nameof(TcpPort));
        }
        else
        {
            errors.Add("Transport must be Serial or Tcp.");
        }

        if (!Enum.IsDefined(Role))
        {
            errors.Add("Role must be ControlStation or PolledStation.");
        }

        if (ControlStationAddress is < '0' or > '9')
        {
            errors.Add($"ControlStationAddress must be a digit (is '{ControlStationAddress}').");
        }

        if (StationAddress is < '0' or > '9')
        {
            errors.Add($"StationAddress must be a digit (is '{StationAddress}').");
        }

        if (ControlStationAddress == StationAddress)
        {
            errors.Add("ControlStationAddress and StationAddress must differ.");
        }

        Check.Range(errors, MaxDisplayLength, 1, 128, nameof(MaxDisplayLength));
        Check.Range(errors, MaxCallAddressLength, 1, 16, nameof(MaxCallAddressLength));
        if (CallType is not ('2' or '3'))
        {
            errors.Add($"CallType must be '2' (speech) or '3' (standard) (is '{CallType}'); '1' is the reset, sent by CancelAsync.");
        }

        if (BeepCoding is { } beep && beep is < '1' or > '9')
        {
            errors.Add($"BeepCoding must be '1'–'9' (is '{beep}').");
        }

        if (Transmissions is { } tx)
        {
            Check.Range(errors, tx, 1, 99, nameof(Transmissions));
        }

        Check.Positive(errors, SelectTimeout, nameof(SelectTimeout));
        Check.Positive(errors, BlockTimeout, nameof(BlockTimeout));
        Check.Range(errors, Retries, 0, 20, nameof(Retries));
        Check.Positive(errors, BusyBackoff, nameof(BusyBackoff));
        if (PollInterval < TimeSpan.Zero)
        {
            errors.Add("PollInterval must not be negative (zero disables polling).");
        }

        Check.Positive(errors, PollResponseTimeout, nameof(PollResponseTimeout));
        Check.Range(errors, UnansweredPollsForDegraded, 1, 1000, nameof(UnansweredPollsForDegraded));
        Check.Positive(errors, LinkDeadAfter, nameof(LinkDeadAfter));
        Check.Positive(errors, PolledDeliveryTimeout, nameof(PolledDeliveryTimeout));
        Check.Positive(errors, ReconnectDelay, nameof(ReconnectDelay));
        Check.Positive(errors, ConnectTimeout, nameof(ConnectTimeout));
        return errors;
    }
}
