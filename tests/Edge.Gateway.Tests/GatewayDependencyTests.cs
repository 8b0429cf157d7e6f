using Edge.Gateway.Tests.Diagnostics;

namespace Edge.Gateway.Tests;

/// <summary>
/// What the gateway process carries of ours (issue 18): the site files' model (Edge.Site), not the provisioning tooling
/// (certificate authority, broker and device files) nor the firmware core, read from the built gateway's deps.json.
/// </summary>
public sealed class GatewayDependencyTests
{
    [Fact]
    public void Gateway_CarriesTheSiteLibrary_NotTheProvisioningToolingNorTheFirmwareCore()
    {
        var ours = LogEventCensus.ProjectAssemblies(LogEventCensus.BuiltDll("edge-gateway/src/Edge.Gateway", "Edge.Gateway"))
            .Select(Path.GetFileNameWithoutExtension)
            .ToHashSet();

        Assert.Contains("Edge.Site", ours);
        Assert.Contains("Edge.Cloud.Contracts", ours);
        Assert.DoesNotContain("Edge.Provisioning", ours);
        Assert.DoesNotContain("Edge.Firmware.Core", ours);
    }
}
