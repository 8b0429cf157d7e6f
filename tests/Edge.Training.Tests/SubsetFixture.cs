using Edge.Detection;
using Edge.Recordings;
using Edge.TestKit;
using Edge.Training.Training;

namespace Edge.Training.Tests;

/// <summary>
/// Real SisFall trials of six subjects (four young, two older), at the device rate, with their
/// candidate windows. A subset keeps the test run short on the shared 2-core machine; the full
/// 27-subject run is what `edge train` does.
/// </summary>
public sealed class SubsetFixture
{
    public static readonly string[] Subjects = ["SA01", "SA02", "SA04", "SA05", "SE01", "SE02"];

    public SubsetFixture()
    {
        var trials = SisFallLoader.Discover(TestData.SisFallDir).Where(t => Subjects.Contains(t.Subject)).ToList();
        Config = new DetectorConfig();
        Data = TrialDataLoader.Load(trials, Config, DeviceQuantizer.DefaultRangeG);
    }

    public DetectorConfig Config { get; }

    public IReadOnlyList<TrialData> Data { get; }
}
