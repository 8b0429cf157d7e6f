using Edge.Alerting;
using Edge.Gateway.Alerting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Tests.Alerting;

/// <summary>The one check of the policy: its inputs (site, units in use, channels) and that the validation and the engine share its result.</summary>
public class EscalationPolicyCheckTests
{
    private static EscalationPolicyCheck Check(AlertingGateway gw) => gw.Host.Services.GetRequiredService<EscalationPolicyCheck>();

    [Fact]
    public async Task Result_PolicyForAnotherSite_IsAnError_TheSiteComingFromSiteIdWhenIngestHasNone()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false, settings: new() { ["Ingest:SiteId"] = "", ["Site:Id"] = "elsewhere" });

        var error = Assert.Single(Check(gw).Result.Errors);

        Assert.Contains("the policy is for site 'site1', not 'elsewhere'", error, StringComparison.Ordinal);
        Assert.StartsWith("escalation policy " + gw.Dir.File("escalation.json") + ": ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_NoSiteIdAtAll_IsNotASecondError()
    {
        // Ingest's own validation says the site id is missing; the policy check does not repeat it.
        await using var gw = await AlertingGateway.CreateAsync(start: false, settings: new() { ["Ingest:SiteId"] = "" });

        Assert.Empty(Check(gw).Result.Errors);
    }

    [Fact]
    public async Task Result_UnitsInUseComeFromTheRegistry_AndFromTheSeedFile()
    {
        // The seed adds unit u2 (a resident wearing a device), which the policy does not cover.
        using var dir = new Edge.TestKit.TempDirectory("edge-policy-check");
        await File.WriteAllTextAsync(dir.File("seed.json"), """
            {
              "site": { "id": "site1", "name": "Rose House" },
              "units": [ { "id": "u1", "name": "Ground floor" }, { "id": "u2", "name": "First floor" } ],
              "rooms": [ { "id": "r1", "unit": "u1", "name": "Room 1" }, { "id": "r3", "unit": "u2", "name": "Room 3" } ],
              "residents": [ { "id": "res1", "name": "Alice", "room": "r1" }, { "id": "res3", "name": "Cleo", "room": "r3" } ],
              "staff": [ { "id": "sam", "name": "Sam Carer" } ],
              "devices": [ { "id": "dev1", "resident": "res1" }, { "id": "dev3", "resident": "res3" } ]
            }
            """);
        await using var gw = await AlertingGateway.CreateAsync(start: false, settings: new() { ["Registry:SeedFile"] = dir.File("seed.json") });

        var error = Assert.Single(Check(gw).Result.Errors);

        Assert.Contains("unit 'u2': the unit has residents but no escalation policy", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TheValidationAndTheEngineShareOneCheck()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var check = Check(gw);

        _ = gw.Host.Services.GetRequiredService<IOptions<EscalationOptions>>().Value;
        var validated = check.Result;
        await gw.StartEngineAsync();

        Assert.Same(validated, check.Result);
        Assert.Empty(validated.Errors);
    }
}
