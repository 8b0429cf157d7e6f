using Edge.Detection;
using Edge.Recordings;
using Edge.TestKit;
using Edge.Training.Data;
using Edge.Training.Training;

namespace Edge.Training.Tests;

/// <summary>
/// Real recordings of four subjects from both development sets (two young and one older SisFall
/// subject, one FallAllD subject), at the device rate, with their candidate windows. A subset keeps the
/// test run short on the shared 2-core machine; the full 34-subject run is what `edge train` does.
/// </summary>
public sealed class SubsetFixture
{
    public static readonly string[] Subjects = ["SA01", "SA02", "SE01", "SA51"];

    public SubsetFixture()
    {
        Catalog = [.. TrialCatalog.Discover([TestData.SisFallDir, TestData.FallAllDDir]).Where(t => Subjects.Contains(t.Trial.Subject))];
        Config = new DetectorConfig();
        Data = TrialDataLoader.Load(Catalog, Config, DeviceQuantizer.DefaultRangeG);
    }

    public IReadOnlyList<CatalogTrial> Catalog { get; }

    public DetectorConfig Config { get; }

    public IReadOnlyList<TrialData> Data { get; }

    /// <summary>Small but real models (60 trees) for tests that need a trained detector quickly.</summary>
    public static TrainingSettings QuickSettings => new() { Trees = 60 };
}
