using Edge.Alerting.Espa;
using Edge.Alerting.IntegrationTests.Infrastructure;
using Edge.Alerting.PagerConsole;
using Edge.TestKit;

namespace Edge.Alerting.IntegrationTests.Espa;

/// <summary>The gateway's ESPA channel wired to a simulated peer over a pty pair or TCP; the channel logs into the test's environment.</summary>
public sealed class EspaRig : IAsyncDisposable
{
    private EspaRig(EspaLinkPair pair, EspaChannel channel, RecordingRecorder recorder)
    {
        Pair = pair;
        Channel = channel;
        Recorder = recorder;
    }

    public EspaLinkPair Pair { get; }

    public EspaChannel Channel { get; }

    public RecordingRecorder Recorder { get; }

    public PagingSystemSimulator? Pager { get; private set; }

    public ControlStationSimulator? Control { get; private set; }

    public static EspaOptions FastOptions(EspaRole role) => new()
    {
        Name = "espa-test",
        Role = role,
        Transport = EspaTransportKind.Tcp, // the transport object is passed in; options only describe it
        TcpHost = "127.0.0.1",
        TcpPort = 1,
        SelectTimeout = TimeSpan.FromSeconds(2), // generous: the suite runs its assemblies in parallel on 2 cores
        BlockTimeout = TimeSpan.FromSeconds(2),
        BusyBackoff = TimeSpan.FromMilliseconds(100),
        PollInterval = TimeSpan.FromMilliseconds(50),
        PollResponseTimeout = TimeSpan.FromMilliseconds(300),
        LinkDeadAfter = TimeSpan.FromSeconds(30),
        PolledDeliveryTimeout = TimeSpan.FromSeconds(5),
        ReconnectDelay = TimeSpan.FromMilliseconds(200),
        Retries = 3,
    };

    /// <summary>Gateway as control station; the peer is a paging system simulator.</summary>
    public static async Task<EspaRig> StartControlAsync(TestEnvironment env, string kind, Action<EspaOptions>? configure = null, SerialLineSettings? framing = null, Action<SimulatorFaults>? faults = null)
    {
        var pair = await EspaLinkPair.CreateAsync(kind, framing);
        var options = FastOptions(EspaRole.ControlStation);
        configure?.Invoke(options);
        var recorder = new RecordingRecorder();
        var channel = new EspaChannel(options, pair.Gateway, TimeProvider.System, recorder, env.Logger<EspaChannel>());
        var rig = new EspaRig(pair, channel, recorder);
        try
        {
            await channel.StartAsync(CancellationToken.None);
            var pager = new PagingSystemSimulator(await pair.OpenPeerAsync(), blockWait: TimeSpan.FromSeconds(3));
            faults?.Invoke(pager.Faults);
            rig.Pager = pager;
            return rig;
        }
        catch
        {
            await rig.DisposeAsync(); // never leave socat or sockets behind
            throw;
        }
    }

    /// <summary>Gateway as polled station; the peer is a control station simulator that polls it.</summary>
    public static async Task<EspaRig> StartPolledAsync(TestEnvironment env, string kind, Action<EspaOptions>? configure = null, bool startControl = true)
    {
        var pair = await EspaLinkPair.CreateAsync(kind);
        var options = FastOptions(EspaRole.PolledStation);
        configure?.Invoke(options);
        var recorder = new RecordingRecorder();
        var channel = new EspaChannel(options, pair.Gateway, TimeProvider.System, recorder, env.Logger<EspaChannel>());
        var rig = new EspaRig(pair, channel, recorder);
        try
        {
            await channel.StartAsync(CancellationToken.None);
            var peer = await pair.OpenPeerAsync();
            if (startControl)
            {
                rig.Control = new ControlStationSimulator(peer, pollInterval: TimeSpan.FromMilliseconds(30), answerWait: TimeSpan.FromSeconds(1));
            }
            else
            {
                rig._silentPeer = peer;
            }

            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    private IEspaTransport? _silentPeer;

    public async Task<SimulatedBlock> NextPageAsync()
    {
        var reader = Pager?.Pages ?? Control!.Pages;
        using var timeout = new CancellationTokenSource(Wait.Long);
        return await reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Channel.DisposeAsync();
        if (Pager is not null)
        {
            await Pager.DisposeAsync();
        }

        if (Control is not null)
        {
            await Control.DisposeAsync();
        }

        if (_silentPeer is not null)
        {
            await _silentPeer.DisposeAsync();
        }

        await Pair.DisposeAsync();
    }
}
