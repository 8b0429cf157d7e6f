using Edge.Alerting;
using Edge.Gateway.Incidents;
using Edge.TestKit;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace Edge.Gateway.IntegrationTests.StaffPage;

public sealed class StaffPageBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task IncidentAppearsLive_CarerAccepts_EscalationStops_AuditNamesTheCarerAndStaffPage()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var browser = new Browser();
        browser.SignIn(gw.Url, StaffPageGateway.User, StaffPageGateway.Password);
        Assert.Equal("Sam Carer", browser.Find("#who").Text);
        Assert.True(browser.Find("#no-incidents").Displayed);

        // Raised through the incident service: the page shows it without a reload (server-sent events).
        var marker = browser.Script("window.__notReloaded = 42; return window.__notReloaded;");
        var id = (await gw.RaiseFallAsync()).Incident.Id;
        var card = browser.UntilFound(d => d.FindElement(By.CssSelector($".incident[data-id='{id}']")), "the new incident on the page");
        Assert.Equal(42L, browser.Script("return window.__notReloaded;"));
        Assert.Equal(42L, marker);
        Assert.Equal("FALL", card.FindElement(By.CssSelector(".type")).Text);
        Assert.Equal("Room 1", card.FindElement(By.CssSelector(".room")).Text);
        Assert.Equal("Alice Morgan", card.FindElement(By.CssSelector(".resident")).Text);
        Assert.Contains("urgent", card.GetAttribute("class"), StringComparison.Ordinal);

        // Tier 1 went out on the pager; the page says so once the board refreshes.
        await gw.Pager.WaitForAsync(c => c.Operation == AlertOperation.Send);
        await gw.AdvanceAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        browser.Until(d => d.FindElement(By.CssSelector($".incident[data-id='{id}'] .tier")).Text == "alerts: tier 1 of 2", "the escalation tier on the card");

        browser.Find($".incident[data-id='{id}'] button.accept").Click();
        browser.Until(d => d.FindElement(By.CssSelector($".incident[data-id='{id}']")).GetAttribute("data-state") == "accepted", "the card shows the acceptance");
        Assert.Equal("accepted by sam", browser.Find($".incident[data-id='{id}'] .state").Text);
        Assert.False(browser.Find($".incident[data-id='{id}'] button.accept").Displayed);

        // The audit trail: accepted by that staff member, via the staff page.
        var accepted = Assert.Single(await gw.Incidents.GetTransitionsAsync(id), t => t.Kind == TransitionKind.Accepted);
        Assert.Equal("sam", accepted.Actor);
        Assert.Equal("staff-page", accepted.Channel);

        // The page on the pager is withdrawn (reset), and nothing more goes out: tier 2 was due at 60 s, then
        // repeats every 2 min; the reminder only comes 5 min after acceptance.
        // (Other incidents may be alerted meanwhile: the sensors were never heard, so supervision reports them
        // offline once the clock moves; those are paged too, which is right. Only this fall's alerts count.)
        var fallId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await gw.Pager.WaitForAsync(c => c.Operation == AlertOperation.Cancel && c.Message.IncidentId == fallId);
        await gw.AdvanceAsync(TimeSpan.FromMinutes(4.5), TimeSpan.FromSeconds(15));
        Assert.Single(gw.Pager.Sends, c => c.Message.IncidentId == fallId);
        Assert.DoesNotContain(gw.Handset.Sends, c => c.Message.IncidentId == fallId);

        // Resolve with an outcome and a note.
        browser.Find($".incident[data-id='{id}'] button.resolve-open").Click();
        browser.Find($".incident[data-id='{id}'] select.outcome option[value='no_fall']").Click();
        browser.Find($".incident[data-id='{id}'] input.note").SendKeys("sitting on the floor by choice, fine");
        browser.Find($".incident[data-id='{id}'] button.resolve-confirm").Click();
        browser.Until(d => d.FindElements(By.CssSelector($".incident[data-id='{id}']")).Count == 0, "the resolved incident leaves the list");
        var resolved = (await gw.Incidents.GetAsync(id))!;
        Assert.Equal(IncidentOutcome.NoFall, resolved.Outcome);
        Assert.Equal("sam", resolved.ResolvedBy);
        Assert.Equal("sitting on the floor by choice, fine", resolved.Note);
        Assert.Equal("staff-page", (await gw.Incidents.GetTransitionsAsync(id)).Single(t => t.Kind == TransitionKind.Resolved).Channel);
    }

    [Fact]
    public async Task PhoneSizedScreen_NoHorizontalOverflow_Screenshot()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var browser = new Browser();
        browser.Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = 390, ["height"] = 844, ["deviceScaleFactor"] = 2, ["mobile"] = true,
        });
        browser.SignIn(gw.Url, StaffPageGateway.User, StaffPageGateway.Password);
        var fall = (await gw.RaiseFallAsync()).Incident.Id;
        await gw.Incidents.RaiseAsync(new RaiseRequest(IncidentType.BatteryLow, "res2", gw.Time.GetUtcNow(), "battery 9 % (threshold 15 %)", "supervision", "res2", "Bob Price", "dev2", "r2", "Room 2"));
        browser.Until(d => d.FindElements(By.CssSelector(".incident")).Count == 2, "both incidents");
        // Tier 1 must have gone out before the board tick, or the tick may show the schedule from before it.
        var fallId = fall.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await gw.Pager.WaitForAsync(c => c.Operation == AlertOperation.Send && c.Message.IncidentId == fallId);
        await gw.AdvanceAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        browser.Until(d => d.FindElement(By.CssSelector($".incident[data-id='{fall}'] .tier")).Text.Contains("tier 1", StringComparison.Ordinal), "the tier");

        Assert.Equal(390L, browser.Script("return window.innerWidth;"));
        var scrollWidth = (long)browser.Script("return document.documentElement.scrollWidth;")!;
        Assert.True(scrollWidth <= 390, $"the page is {scrollWidth} px wide on a 390 px screen");
        var widest = (string)browser.Script("""
            let worst = ''; let max = 0;
            for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect(); if (r.right > max && e.offsetParent !== null && !e.closest('.table-wrap')) { max = r.right; worst = e.tagName + '.' + e.className; } }
            return worst + ' ' + max;
            """)!;
        output.WriteLine("widest element outside the scrolling sensor table: " + widest);

        // Most urgent first: the fall above the battery warning.
        var order = browser.Driver.FindElements(By.CssSelector(".incident .type")).Select(e => e.Text).ToList();
        Assert.Equal(["FALL", "BATTERY LOW"], order);

        var path = Path.Combine(AppContext.BaseDirectory, "staff-page-phone-390x844.png");
        browser.Driver.GetScreenshot().SaveAsFile(path);
        output.WriteLine("screenshot: " + path);
        Assert.True(new FileInfo(path).Length > 10_000);
    }

    [Fact]
    public async Task WrongPassword_IsRefused_AndNoSessionIsCreated()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var browser = new Browser();
        browser.Driver.Navigate().GoToUrl(gw.Url);
        browser.Until(d => d.FindElement(By.Id("signin")).Displayed, "the sign-in form");
        browser.Find("#username").SendKeys(StaffPageGateway.User);
        browser.Find("#password").SendKeys("not the password at all");
        browser.Find("#signin-button").Click();

        browser.Until(d => d.FindElement(By.Id("signin-error")).Text == "Wrong name or password.", "the error");
        Assert.False(browser.Find("#app").Displayed);
        Assert.DoesNotContain(browser.Driver.Manage().Cookies.AllCookies, c => c.Name == "edge-staff");
    }
}
