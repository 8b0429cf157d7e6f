using System.Globalization;
using Edge.Cloud.Contracts;
using Edge.TestKit;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Edge.Cloud.IntegrationTests;

/// <summary>
/// The dashboard in a real headless Chromium (Debian packages chromium and chromium-driver) against
/// the real service on Kestrel: sign in through the form, then read what a manager sees.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime, IDisposable
{
    private readonly TestEnvironment _env = new();
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";

    private readonly SqliteSource _databases = new();
    private readonly TempDirectory _profile = new("edge-chromium-profile");
    private CloudApp? _app;

    public async Task InitializeAsync() => _app = await CloudApp.StartAsync(_env, _databases.Provider, await _databases.NewDatabaseAsync());

    public async Task DisposeAsync()
    {
        try
        {
            await _app!.DisposeAsync();
        }
        finally
        {
            _databases.Dispose();
            _profile.Dispose();
        }
    }

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Dashboard_InHeadlessChromium_SignInShowsOpenIncidentsAndDrawsCharts()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException("Headless Chromium is not installed: apt-get install -y chromium chromium-driver (./edge setup installs them).");
        }

        var app = _app!;
        var t0 = Events.Base;
        await app.PostOkAsync("gw-a1",
            Events.Raised("gw-a1", "site-a1", "inc-open", t0, unit: "West Wing"),
            Events.Raised("gw-a1", "site-a1", "inc-closed", t0.AddMinutes(1)),
            Events.Accepted("gw-a1", "site-a1", "inc-closed", t0.AddMinutes(3)),
            Events.Resolved("gw-a1", "site-a1", "inc-closed", t0.AddMinutes(9), IncidentOutcomes.NoFall));
        await app.PostOkAsync("gw-b1", Events.Raised("gw-b1", "site-b1", "inc-foreign", t0));

        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={_profile.Path}", "--window-size=1280,2000");
        using var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(20));

        await driver.Navigate().GoToUrlAsync(new Uri(app.BaseAddress, "/dashboard").ToString());
        wait.Until(d => d.Url.Contains("/login", StringComparison.Ordinal));
        driver.FindElement(By.Id("username")).SendKeys("alice");
        driver.FindElement(By.Id("password")).SendKeys(app.Users["alice"].Password);
        driver.FindElement(By.Id("sign-in")).Click();
        wait.Until(d => d.Url.EndsWith("/dashboard", StringComparison.Ordinal));

        Assert.Equal("1", driver.FindElement(By.Id("open-count")).Text);
        var row = driver.FindElement(By.CssSelector("tr.incident"));
        Assert.Equal("inc-open", row.GetAttribute("data-incident"));
        Assert.Contains("West Wing", row.Text, StringComparison.Ordinal);
        Assert.Contains("not accepted", row.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Birch Lodge", driver.PageSource, StringComparison.Ordinal);

        // The charts are laid out by the browser: four SVGs with visible bars.
        var charts = driver.FindElements(By.CssSelector("svg.chart"));
        Assert.Equal(4, charts.Count);
        Assert.All(charts, c => Assert.True(c.Size.Width > 300 && c.Size.Height > 30, $"chart size {c.Size}"));
        var widest = (double)Convert.ToDouble(((IJavaScriptExecutor)driver).ExecuteScript(
            "return Math.max(...Array.from(document.querySelectorAll('rect.bar')).map(r => r.getBoundingClientRect().width));"), CultureInfo.InvariantCulture);
        Assert.True(widest > 100, $"the longest bar is {widest} px wide");
        Assert.Contains("100 %", driver.FindElement(By.Id("false-alarms")).Text, StringComparison.Ordinal); // the one resolved incident was "no fall"

        driver.FindElement(By.CssSelector("form[action='/logout'] button")).Click();
        wait.Until(d => d.Url.Contains("/login", StringComparison.Ordinal));
        await driver.Navigate().GoToUrlAsync(new Uri(app.BaseAddress, "/dashboard").ToString());
        Assert.Contains("/login", driver.Url, StringComparison.Ordinal);
        driver.Quit();
    }
}
