using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Edge.Alerting.Espa;
using Edge.Alerting.PagerConsole;

// A simulated pager console: a paging system on a serial device, pty or TCP port that prints what a pager
// would display. See README.md in Edge.Alerting for the switches.
var options = ConsoleOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(ConsoleOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// One set of faults and one command reader for the whole run: a fault typed at the console applies to the
// current connection and to every later one (a gateway that reconnects meets the same paging system).
var faults = new SimulatorFaults();
Apply(options, faults);
var current = new CurrentSimulator();
_ = Task.Run(() => ReadCommandsAsync(faults, current, stop.Token), stop.Token);

try
{
    if (options.ListenEndpoint is { } endpoint)
    {
        using var listener = new TcpListener(endpoint);
        listener.Start();
        Console.WriteLine($"pager console listening on tcp {listener.LocalEndpoint} as {options.Role}");
        while (!stop.IsCancellationRequested)
        {
            var socket = await listener.AcceptSocketAsync(stop.Token);
            Console.WriteLine($"connection from {socket.RemoteEndPoint}");
            await ServeAsync(TcpEspaTransport.FromAccepted(socket), options, faults, current, stop.Token);
            Console.WriteLine("connection closed");
        }
    }
    else
    {
        IEspaTransport transport = options.Device is not null
            ? new SerialEspaTransport(options.Serial)
            : new TcpEspaTransport(options.ConnectHost!, options.ConnectPort, TimeSpan.FromSeconds(5));
        await transport.OpenAsync(stop.Token);
        Console.WriteLine($"pager console on {transport.Description} as {options.Role}");
        await ServeAsync(transport, options, faults, current, stop.Token);
    }
}
catch (OperationCanceledException)
{
}
catch (IOException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

return 0;

static async Task ServeAsync(IEspaTransport transport, ConsoleOptions options, SimulatorFaults faults, CurrentSimulator current, CancellationToken stop)
{
    if (options.Role == "control")
    {
        await using var control = new ControlStationSimulator(transport, options.Address, options.ControlAddress, options.PollInterval) { Faults = faults };
        current.Control = control;
        await PrintPagesAsync(control.Pages, options.DisplayWidth, stop);
        return;
    }

    await using var pager = new PagingSystemSimulator(transport, options.Address, options.ControlAddress) { Faults = faults };
    current.Pager = pager;
    await PrintPagesAsync(pager.Pages, options.DisplayWidth, stop);
}

static void Apply(ConsoleOptions o, SimulatorFaults f)
{
    f.NakNextBlocks = o.NakNext;
    f.BusyNextBlocks = o.BusyNext;
    f.RejectNextBlocks = o.RejectNext;
    f.IgnoreNextSelects = o.IgnoreSelects;
    f.RefuseSelects = o.RefuseSelects;
    f.MutePolls = o.Mute;
    f.AutoAcknowledge = o.AutoAck;
}

static async Task PrintPagesAsync(System.Threading.Channels.ChannelReader<SimulatedBlock> pages, int width, CancellationToken stop)
{
    try
    {
        await foreach (var block in pages.ReadAllAsync(stop))
        {
            var time = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            if (!block.BccValid)
            {
                Console.WriteLine($"{time}  (block with bad BCC 0x{block.Bcc:X2}: answered 1 NAK)");
                continue;
            }

            var address = block['1'] ?? "?";
            if (block.Header == '2')
            {
                Console.WriteLine($"{time}  status for {address}: call status {block['7']} system status {block['8']}");
                continue;
            }

            if (block['4'] == "1")
            {
                Console.WriteLine($"{time}  PAGER {address}: page withdrawn (reset)");
                continue;
            }

            var text = block['2'] ?? "";
            Console.WriteLine($"{time}  PAGER {address}  prio {block['6'] ?? "-"}  type {block['4'] ?? "-"}");
            for (var i = 0; i < text.Length; i += width)
            {
                Console.WriteLine($"          | {text.Substring(i, Math.Min(width, text.Length - i))}");
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
}

static async Task ReadCommandsAsync(SimulatorFaults faults, CurrentSimulator current, CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        var line = await Console.In.ReadLineAsync(stop);
        if (line is null)
        {
            return;
        }

        var pager = current.Pager;
        var control = current.Control;

        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            continue;
        }

        var n = parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var v) ? v : 1;
        switch (parts[0])
        {
            case "ack" when parts.Length > 1:
                if (pager is not null)
                {
                    pager.QueueStatus(parts[1], '6');
                }
                else if (control is not null)
                {
                    _ = control.SendStatusAsync(parts[1], '6');
                }

                Console.WriteLine($"acknowledgement for {parts[1]} queued");
                break;
            case "mute": faults.MutePolls = true; break;
            case "unmute": faults.MutePolls = false; break;
            case "nak": faults.NakNextBlocks = n; break;
            case "busy": faults.BusyNextBlocks = n; break;
            case "reject": faults.RejectNextBlocks = n; break;
            case "ignore": faults.IgnoreNextSelects = n; break;
            case "refuse": faults.RefuseSelects = !faults.RefuseSelects; break;
            default: Console.WriteLine("commands: ack ADDRESS | mute | unmute | nak N | busy N | reject N | ignore N | refuse"); break;
        }
    }
}

/// <summary>The simulator serving the current connection (console commands such as "ack" go to it).</summary>
internal sealed class CurrentSimulator
{
    private volatile PagingSystemSimulator? _pager;
    private volatile ControlStationSimulator? _control;

    public PagingSystemSimulator? Pager { get => _pager; set => _pager = value; }

    public ControlStationSimulator? Control { get => _control; set => _control = value; }
}

internal sealed class ConsoleOptions
{
    public const string Usage = """
        usage: Edge.Alerting.PagerConsole (--listen HOST:PORT | --connect HOST:PORT | --device PATH) [options]
          --framing "9600 7E2"    serial baud and framing (7E2, 7E1, 8N1, ...)
          --role pager|control    pager: a paging system the gateway selects and polls (default);
                                  control: a paging system that polls the gateway
          --address 2             the station address (the pager's, or the gateway's in the control role)
          --control-address 1     the control station's address
          --display-width 48      characters per pager display line
          --poll-ms 150           poll interval in the control role
        faults: --nak-next N --busy-next N --reject-next N --ignore-selects N --refuse-selects --mute --auto-ack
        while running, type: ack ADDRESS | mute | unmute | nak N | busy N | reject N | ignore N | refuse
        """;

    public IPEndPoint? ListenEndpoint { get; private set; }
    public string? ConnectHost { get; private set; }
    public int ConnectPort { get; private set; }
    public string? Device { get; private set; }
    public SerialLineSettings Serial { get; } = new();
    public string Role { get; private set; } = "pager";
    public char Address { get; private set; } = '2';
    public char ControlAddress { get; private set; } = '1';
    public int DisplayWidth { get; private set; } = 48;
    public TimeSpan PollInterval { get; private set; } = TimeSpan.FromMilliseconds(150);
    public int NakNext { get; private set; }
    public int BusyNext { get; private set; }
    public int RejectNext { get; private set; }
    public int IgnoreSelects { get; private set; }
    public bool RefuseSelects { get; private set; }
    public bool Mute { get; private set; }
    public bool AutoAck { get; private set; }

    public static ConsoleOptions? Parse(string[] args)
    {
        var o = new ConsoleOptions();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
                switch (args[i])
                {
                    case "--listen": o.ListenEndpoint = IPEndPoint.Parse(Next()); break;
                    case "--connect":
                        var hp = Next().Split(':');
                        o.ConnectHost = hp[0];
                        o.ConnectPort = int.Parse(hp[1], CultureInfo.InvariantCulture);
                        break;
                    case "--device": o.Device = Next(); o.Serial.DevicePath = o.Device; break;
                    case "--framing": ParseFraming(Next(), o.Serial); break;
                    case "--role": o.Role = Next(); break;
                    case "--address": o.Address = Next()[0]; break;
                    case "--control-address": o.ControlAddress = Next()[0]; break;
                    case "--display-width": o.DisplayWidth = NextInt(); break;
                    case "--poll-ms": o.PollInterval = TimeSpan.FromMilliseconds(NextInt()); break;
                    case "--nak-next": o.NakNext = NextInt(); break;
                    case "--busy-next": o.BusyNext = NextInt(); break;
                    case "--reject-next": o.RejectNext = NextInt(); break;
                    case "--ignore-selects": o.IgnoreSelects = NextInt(); break;
                    case "--refuse-selects": o.RefuseSelects = true; break;
                    case "--mute": o.Mute = true; break;
                    case "--auto-ack": o.AutoAck = true; break;
                    default: return null;
                }
            }
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }

        var sources = (o.ListenEndpoint is null ? 0 : 1) + (o.ConnectHost is null ? 0 : 1) + (o.Device is null ? 0 : 1);
        return sources == 1 && o.Role is "pager" or "control" && o.DisplayWidth > 0 ? o : null;
    }

    /// <summary>Parses "9600 7E2" or "9600,8N1".</summary>
    public static void ParseFraming(string text, SerialLineSettings s)
    {
        var parts = text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        s.BaudRate = int.Parse(parts[0], CultureInfo.InvariantCulture);
        if (parts.Length > 1 && parts[1].Length == 3)
        {
            s.DataBits = parts[1][0] - '0';
            s.Parity = char.ToUpperInvariant(parts[1][1]) switch { 'E' => SerialParity.Even, 'O' => SerialParity.Odd, _ => SerialParity.None };
            s.StopBits = parts[1][2] - '0';
        }
    }
}
