using Edge.Gateway.Incidents;
using Edge.Gateway.Prevention;
using Edge.Gateway.Storage;
using Edge.TestKit;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace Edge.Gateway.IntegrationTests.StaffPage;

/// <summary>The resident view in headless Chromium: the 14-day chart, the plain-words flag, the get-up alert setting and the falls log with its CSV.</summary>
public sealed class ResidentViewBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task ResidentView_ChartFlagGetUpSettingAndFallsLog()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        var today = DateOnly.FromDateTime(StaffPageGateway.Start.UtcDateTime);

        // Sixteen complete days: about 40 min of walking a day, then the last three days 10-12 min.
        var store = gw.Host.Services.GetRequiredService<MobilityStore>();
        for (var i = 1; i <= 16; i++)
        {
            var walking = i <= 3 ? 9 + i : 38 + (i % 5);
            store.Add(new MobilityDay("res1", today.AddDays(-i), 15 * 3600, walking * 60, walking * 95, 12, 9 * 3600, 4));
        }

        store.Add(new MobilityDay("res1", today, 6 * 3600, 8 * 60, 700, 3, 7 * 3600, 1));
        await store.FlushAsync(CancellationToken.None);
        var fall = (await gw.RaiseFallAsync()).Incident;
        gw.Time.Advance(TimeSpan.FromSeconds(40));
        await gw.Incidents.AcceptAsync(fall.Id, "sam", "staff-page");
        gw.Time.Advance(TimeSpan.FromMinutes(4));
        await gw.Incidents.ResolveAsync(fall.Id, "sam", IncidentOutcome.FallConfirmed, "found beside the bed, no injury", "staff-page");
        var up = (await gw.Incidents.RaiseAsync(new RaiseRequest(IncidentType.GettingUp, "res1", gw.Time.GetUtcNow(), "Sat up from lying", PreventionStage.Channel, "res1", "Alice Morgan", "dev1", "r1", "Room 1"))).Incident;

        using var browser = new Browser();
        browser.SignIn(gw.Url, StaffPageGateway.User, StaffPageGateway.Password);
        var row = browser.UntilFound(d => d.FindElement(By.CssSelector("#residents tbody tr[data-id='res1']")), "Alice in the residents list");
        Assert.Contains("review: walking down", row.Text, StringComparison.Ordinal);
        row.Click();

        browser.Until(d => d.FindElement(By.Id("resident-title")).Text == "Alice Morgan – Room 1", "the resident view");
        Assert.False(browser.Find("#overview").Displayed);
        Assert.True(browser.Find("#incidents").Displayed); // open incidents stay in sight above the resident view

        // The last 14 days as bars, today's lighter, the earlier days' average as a dashed line.
        var bars = browser.Driver.FindElements(By.CssSelector("#chart-walking rect.bar"));
        Assert.Equal(14, bars.Count);
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), bars[^1].GetAttribute("data-day"));
        Assert.Contains("today", bars[^1].GetAttribute("class"), StringComparison.Ordinal);
        Assert.Equal("10", bars[^2].GetAttribute("data-value"));
        Assert.Single(browser.Driver.FindElements(By.CssSelector("#chart-walking line.baseline")));
        Assert.Equal(14, browser.Driver.FindElements(By.CssSelector("#chart-sts rect.bar")).Count);
        Assert.Equal(14, browser.Driver.FindElements(By.CssSelector("#mobility tbody tr")).Count);

        // The flag, in plain words, as a prompt to review the care plan.
        var flag = browser.Find("#mobility-flags .flag").Text;
        Assert.StartsWith("Walking time over the last 3 days (11 min a day) is well below the two weeks before", flag, StringComparison.Ordinal);
        Assert.Contains("care plan", flag, StringComparison.Ordinal);

        // Switch the get-up alert on for the night; the change is audited against the carer and the staff page.
        Assert.False(browser.Find("#getup-enabled").Selected);
        browser.Find("#getup-enabled").Click();
        browser.Script("document.querySelector('#getup-from').value = '21:30'; document.querySelector('#getup-to').value = '06:30';");
        browser.Find("#getup-save").Click();
        browser.Until(d => d.FindElement(By.Id("getup-state")).Text.StartsWith("Saved. On since", StringComparison.Ordinal), "the saved setting");
        var setting = gw.Host.Services.GetRequiredService<IPreventionSettings>().GetUp("res1");
        Assert.True(setting.Enabled);
        Assert.Equal("21:30–06:30", setting.Hours.ToString());
        await using (var c = await gw.Host.Services.GetRequiredService<GatewayDatabase>().OpenAsync())
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT new_value, actor, channel FROM settings_audit WHERE setting = 'prevention.getup_alert' AND subject = 'res1'";
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(("on 21:30–06:30", "sam", "staff-page"), (r.GetString(0), r.GetString(1), r.GetString(2)));
            Assert.False(await r.ReadAsync());
        }

        // The falls log: newest first, with response times and outcome; and its CSV.
        var log = browser.Driver.FindElements(By.CssSelector("#falls tbody tr")).Select(tr => tr.Text).ToList();
        Assert.Equal(2, log.Count);
        Assert.StartsWith($"#{up.Id} Getting up", log[0], StringComparison.Ordinal);
        Assert.StartsWith($"#{fall.Id} Fall", log[1], StringComparison.Ordinal);
        Assert.Contains("40 s sam 4 min 40 s fall confirmed found beside the bed, no injury", log[1], StringComparison.Ordinal);
        var csv = (string)browser.Script("return fetch(document.querySelector('#falls-csv').href, { credentials: 'same-origin' }).then(async r => r.headers.get('content-disposition') + '\\n' + await r.text());")!;
        var lines = csv.Split('\n');
        Assert.Equal("attachment; filename=\"falls-res1.csv\"", lines[0]);
        Assert.Equal(ResidentLog.CsvHeader, lines[1]);
        Assert.StartsWith($"{up.Id},getting_up,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith($"{fall.Id},fall,2026-03-02T14:00:00+00:00,2026-03-02T14:00:00+00:00,2026-03-02T14:00:40+00:00,sam,2026-03-02T14:04:40+00:00,sam,40.0,280.0,fall_confirmed,Room 1,", lines[3], StringComparison.Ordinal);

        browser.Script("document.querySelector('#mobility-flags').scrollIntoView();");
        var path = Path.Combine(AppContext.BaseDirectory, "staff-page-resident-view.png");
        browser.Driver.GetScreenshot().SaveAsFile(path);
        output.WriteLine("screenshot: " + path);

        browser.Find("#resident-back").Click();
        browser.Until(d => d.FindElement(By.Id("overview")).Displayed, "back to the overview");
        browser.Until(d => d.FindElement(By.CssSelector("#residents tbody tr[data-id='res1']")).Text.Contains("on 21:30–06:30", StringComparison.Ordinal), "the list shows the setting");
    }

    [Fact]
    public async Task ResidentApi_WithoutSessionOrToken_Refused()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var http = new HttpClient { BaseAddress = gw.Url };

        using var list = await http.GetAsync("/api/residents");
        using var csv = await http.GetAsync("/api/residents/res1/falls.csv");
        using var set = await http.PostAsync("/api/residents/res1/getup", new StringContent("{\"enabled\":true,\"from\":\"00:00\",\"to\":\"00:00\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, csv.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, set.StatusCode);
        Assert.False(gw.Host.Services.GetRequiredService<IPreventionSettings>().GetUp("res1").Enabled);
    }
}
