using System.Xml.Linq;
using Edge.TestKit;

namespace Edge.Firmware.Device.Tests;

/// <summary>packages.config and the .nfproj agree with each other and with the reference page's versions.</summary>
public class PackagesTests
{
    private static readonly string DeviceDir = Path.Combine(TestData.RepoRoot, "firmware", "src", "Edge.Firmware.Device");

    /// <summary>
    /// ../shared/reference/nanoframework.md, "Device APIs: exact package versions": package id, version
    /// and the assemblies its .nfproj reference names.
    /// </summary>
    public static readonly Dictionary<string, (string Version, string[] Assemblies)> ReferencePage = new(StringComparer.Ordinal)
    {
        ["nanoFramework.CoreLibrary"] = ("1.17.11", ["mscorlib"]),
        ["nanoFramework.Runtime.Events"] = ("1.11.37", ["nanoFramework.Runtime.Events"]),
        ["nanoFramework.Runtime.Native"] = ("1.7.11", ["nanoFramework.Runtime.Native"]),
        ["nanoFramework.System.Text"] = ("1.3.42", ["nanoFramework.System.Text"]),
        ["nanoFramework.System.Collections"] = ("1.5.75", ["nanoFramework.System.Collections"]),
        ["nanoFramework.System.Threading"] = ("1.1.52", ["System.Threading"]),
        ["nanoFramework.System.IO.Streams"] = ("1.1.96", ["System.IO.Streams"]),
        ["nanoFramework.System.IO.FileSystem"] = ("1.1.93", ["System.IO.FileSystem"]),
        ["nanoFramework.System.Net"] = ("1.11.60", ["System.Net"]),
        ["nanoFramework.System.Device.Wifi"] = ("1.5.147", ["System.Device.Wifi"]),
        ["nanoFramework.System.Device.I2c"] = ("1.1.29", ["System.Device.I2c"]),
        ["nanoFramework.System.Device.Gpio"] = ("1.1.62", ["System.Device.Gpio"]),
        ["nanoFramework.Hardware.Esp32"] = ("1.6.42", ["nanoFramework.Hardware.Esp32"]),
        ["nanoFramework.M2Mqtt"] = ("5.1.220", ["nanoFramework.M2Mqtt", "nanoFramework.M2Mqtt.Core"]),
        ["nanoFramework.Iot.Device.Mpu6886"] = ("1.2.1016", ["Iot.Device.Mpu6886"]),
        ["nanoFramework.Iot.Device.Axp192"] = ("1.2.1016", ["Iot.Device.Axp192"]),
        ["nanoFramework.UnitsNet.ElectricPotential"] = ("5.76.15", ["nanoFramework.UnitsNet.ElectricPotential"]),
        ["nanoFramework.M5StickCPlus"] = ("1.1.303", ["nanoFramework.M5StickCPlus"]),
    };

    /// <summary>What the shell's code needs: System.Text (Encoding), System.IO.Streams (FileStream), Runtime.Native (reboot), ...</summary>
    private static readonly string[] Needed =
    [
        "nanoFramework.CoreLibrary", "nanoFramework.System.Text", "nanoFramework.System.IO.Streams", "nanoFramework.System.IO.FileSystem",
        "nanoFramework.Runtime.Native", "nanoFramework.System.Threading", "nanoFramework.System.Net", "nanoFramework.System.Device.Wifi",
        "nanoFramework.System.Device.I2c", "nanoFramework.System.Device.Gpio", "nanoFramework.Runtime.Events", "nanoFramework.Hardware.Esp32",
        "nanoFramework.M2Mqtt",
    ];

    private static List<(string Id, string Version)> PackagesConfig() =>
        [.. XDocument.Load(Path.Combine(DeviceDir, "packages.config")).Descendants("package")
            .Select(p => ((string)p.Attribute("id")!, (string)p.Attribute("version")!))];

    private static List<(string Name, string HintPath)> NfprojReferences()
    {
        XNamespace ns = "http://schemas.microsoft.com/developer/msbuild/2003";
        return [.. XDocument.Load(Path.Combine(DeviceDir, "Edge.Firmware.Device.nfproj")).Descendants(ns + "Reference")
            .Select(r => ((string)r.Attribute("Include")!, r.Element(ns + "HintPath")!.Value))];
    }

    [Fact]
    public void PackagesConfig_EveryEntryHasTheReferencePageVersion()
    {
        foreach (var (id, version) in PackagesConfig())
        {
            Assert.True(ReferencePage.TryGetValue(id, out var page), $"{id} is not on the reference page (renamed or guessed?)");
            Assert.True(page.Version == version, $"{id} {version}: the reference page says {page.Version}");
        }
    }

    [Fact]
    public void PackagesConfig_EveryEntryHasAMatchingNfprojReference()
    {
        var refs = NfprojReferences();
        foreach (var (id, version) in PackagesConfig())
        {
            foreach (string assembly in ReferencePage[id].Assemblies)
            {
                string hint = $@"packages\{id}.{version}\lib\{assembly}.dll";
                Assert.True(refs.Any(r => r.Name == assembly && r.HintPath == hint), $"no <Reference Include=\"{assembly}\"> with HintPath {hint}");
            }
        }
    }

    [Fact]
    public void Nfproj_EveryReferenceComesFromAPackagesConfigEntry()
    {
        var packages = PackagesConfig();
        foreach (var (name, hint) in NfprojReferences())
        {
            Assert.True(
                packages.Any(p => ReferencePage[p.Id].Assemblies.Contains(name) && hint == $@"packages\{p.Id}.{p.Version}\lib\{name}.dll"),
                $"reference {name} ({hint}) has no packages.config entry");
        }
    }

    [Fact]
    public void PackagesConfig_ListsEveryPackageTheShellNeeds_AndNoBoardPackage()
    {
        var ids = PackagesConfig().Select(p => p.Id).ToList();

        Assert.All(Needed, id => Assert.Contains(id, ids));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.DoesNotContain("nanoFramework.M5StickCPlus", ids); // its static constructor lights the backlight
    }

    [Theory]
    [InlineData("packages.config")]
    [InlineData("Edge.Firmware.Device.nfproj")]
    public void DeviceProjectFiles_HaveNoPlaceholderLeft(string file)
    {
        string text = File.ReadAllText(Path.Combine(DeviceDir, file));

        foreach (string placeholder in new[] { "VERIFY", "TODO", "FIXME", "x.y.z", "0.0.0", "UnitsNet.nanoFramework" })
        {
            Assert.DoesNotContain(placeholder, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Nfproj_CompilesEveryShellSourceAndLinksTheCoreAndProtocol()
    {
        XNamespace ns = "http://schemas.microsoft.com/developer/msbuild/2003";
        var compiled = XDocument.Load(Path.Combine(DeviceDir, "Edge.Firmware.Device.nfproj")).Descendants(ns + "Compile")
            .Select(c => (string)c.Attribute("Include")!).ToList();
        var sources = Directory.EnumerateFiles(DeviceDir, "*.cs").Select(Path.GetFileName).ToList();

        Assert.All(sources, s => Assert.Contains(s, compiled));
        Assert.Contains(@"..\Edge.Protocol\*.cs", compiled);
        Assert.Contains(@"..\Edge.Firmware.Core\*.cs", compiled);
    }
}
