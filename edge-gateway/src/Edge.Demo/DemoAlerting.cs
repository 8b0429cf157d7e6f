using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Edge.Alerting.Espa;
using Edge.Alerting.PagerConsole;
using Edge.Provisioning;
using Edge.Site.Policy;
using Edge.Site.Staff;

namespace Edge.Demo;

/// <summary>
/// The demo's alerting: a simulated paging system (Edge.Alerting.PagerConsole's ESPA 4.4.4 receiver, in-process,
/// over TCP on loopback as a serial server would be) that prints what each pager displays; an escalation policy
/// (tier 1: the unit's carers' pager group at once; tier 2 after 60 s: the nurse in charge's pager); and a
/// one-time demo staff login for the staff page.
/// </summary>
internal sealed class DemoAlerting : IAsyncDisposable
{
    /// <summary>The demo carer's staff-page account (also a staff member in the gateway's registry).</summary>
    public const string CarerUsername = "carer";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private PagingSystemSimulator? _pager;
    private Task _printing = Task.CompletedTask;

    private DemoAlerting(string carerPassword)
    {
        CarerPassword = carerPassword;
        _listener.Start();
    }

    /// <summary>The port the simulated paging system listens on (the gateway's ESPA channel connects to it).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A random password for <see cref="CarerUsername"/>, printed once.</summary>
    public string CarerPassword { get; }

    /// <summary>Gateway settings for the ESPA channel and the staff page.</summary>
    public IEnumerable<string> GatewayArgs =>
    [
        "--Alerting:Espa:Name=pager-system",
        "--Alerting:Espa:Transport=Tcp",
        "--Alerting:Espa:TcpHost=127.0.0.1",
        string.Create(CultureInfo.InvariantCulture, $"--Alerting:Espa:TcpPort={Port}"),
        "--Alerting:Espa:MaxDisplayLength=48",
        "--StaffPage:Url=http://127.0.0.1:0",
    ];

    /// <summary>Writes the demo policy into the provisioned site and adds the demo carer's staff account.</summary>
    public static DemoAlerting Prepare(SiteProvisioner provisioner, IEnumerable<string> units)
    {
        var policy = new EscalationPolicy { Site = DemoSite.SiteId, TimeZone = "Etc/UTC" };
        var n = 1;
        foreach (var unit in units)
        {
            var group = string.Create(CultureInfo.InvariantCulture, $"{n++}00");
            policy.Units.Add(new UnitPolicy
            {
                Unit = unit,
                Slots =
                [
                    new TimeSlot
                    {
                        Name = "all day",
                        From = "00:00",
                        To = "00:00",
                        Steps =
                        [
                            new EscalationStep { After = TimeSpan.Zero, Notify = ["pager:" + group, "page:" + unit] },
                            new EscalationStep { After = TimeSpan.FromSeconds(60), Notify = ["pager:900"] },
                        ],
                    },
                ],
            });
        }

        File.WriteAllText(provisioner.Layout.EscalationPolicy, policy.ToJson());
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(9)).ToLowerInvariant();
        provisioner.AddStaff(CarerUsername, StaffRole.Staff, password);
        return new DemoAlerting(password);
    }

    /// <summary>Waits for the gateway's ESPA channel to connect, then prints every page as the pager shows it.</summary>
    public async Task ServeAsync(DemoConsole console, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var socket = await _listener.AcceptSocketAsync(timeout.Token).ConfigureAwait(false);
        _pager = new PagingSystemSimulator(TcpEspaTransport.FromAccepted(socket));
        _printing = Task.Run(() => PrintAsync(console, _pager, _stop.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _printing.ConfigureAwait(false);
        if (_pager is not null)
        {
            await _pager.DisposeAsync().ConfigureAwait(false);
        }

        _listener.Stop();
        _listener.Dispose();
        _stop.Dispose();
    }

    private static async Task PrintAsync(DemoConsole console, PagingSystemSimulator pager, CancellationToken ct)
    {
        try
        {
            await foreach (var block in pager.Pages.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var address = block['1'] ?? "?";
                if (block.Header != '1')
                {
                    continue;
                }

                console.Pager(block['4'] == "1"
                    ? $"PAGER {address}: page withdrawn (accepted or resolved elsewhere)"
                    : $"PAGER {address} [prio {block['6'] ?? "-"}] {block['2']}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
