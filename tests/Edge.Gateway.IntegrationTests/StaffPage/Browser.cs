using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Edge.Gateway.IntegrationTests.StaffPage;

/// <summary>
/// Real headless Chromium from Debian (<c>apt-get install chromium chromium-driver</c>), driven by Selenium
/// through /usr/bin/chromedriver, with a fresh profile per test. Waits poll the DOM for a condition with a
/// timeout; nothing sleeps.
/// </summary>
internal sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly string _profile;

    public Browser()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException($"Chromium and its driver are needed at {ChromiumPath} and {DriverPath}: run ./edge setup (apt-get install chromium chromium-driver).");
        }

        _profile = Path.Combine(Path.GetTempPath(), "edge-chromium-" + Guid.NewGuid().ToString("N"));
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900", $"--user-data-dir={_profile}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public ChromeDriver Driver { get; }

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    /// <summary>Polls until <paramref name="condition"/> holds (a signal with a timeout, not a sleep).</summary>
    public bool Until(Func<IWebDriver, bool> condition, string what, int seconds = 15)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { PollingInterval = TimeSpan.FromMilliseconds(50), Message = what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    /// <summary>Polls until <paramref name="find"/> returns an element.</summary>
    public IWebElement UntilFound(Func<IWebDriver, IWebElement?> find, string what, int seconds = 15)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { PollingInterval = TimeSpan.FromMilliseconds(50), Message = what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(d => find(d))!;
    }

    public object? Script(string js, params object[] args) => Driver.ExecuteScript(js, args);

    public void SignIn(Uri url, string user, string password)
    {
        Driver.Navigate().GoToUrl(url);
        Until(d => d.FindElement(By.Id("signin")).Displayed, "the sign-in form");
        Find("#username").SendKeys(user);
        Find("#password").SendKeys(password);
        Find("#signin-button").Click();
        Until(d => d.FindElement(By.Id("app")).Displayed && d.FindElement(By.Id("connection")).Text == "live", "the signed-in page, connected (live)");
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of its profile; the temp cleaner takes the rest.
        }
    }
}
