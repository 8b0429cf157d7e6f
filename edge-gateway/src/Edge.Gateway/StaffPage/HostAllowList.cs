using System.Net;
using Microsoft.AspNetCore.Http;

namespace Edge.Gateway.StaffPage;

/// <summary>
/// Which <c>Host</c> headers the staff page answers: the configured names (<see cref="StaffPageOptions.AllowedHosts"/>),
/// <c>localhost</c>, and any IP address. DNS rebinding needs a name the attacker controls that later resolves
/// to the gateway; the browser then sends that name, which is not on the list. An address cannot be rebound.
/// </summary>
internal sealed class HostAllowList(IEnumerable<string> names)
{
    private readonly HashSet<string> _names = new(names.Select(n => n.Trim().TrimEnd('.')).Append("localhost"), StringComparer.OrdinalIgnoreCase);

    public bool Allows(HostString host)
    {
        if (!host.HasValue)
        {
            return false; // HTTP/1.1 requires Host; a request without it is not from a browser
        }

        var name = host.Host.TrimEnd('.');
        return _names.Contains(name) || IPAddress.TryParse(name.Trim('[', ']'), out _);
    }
}
