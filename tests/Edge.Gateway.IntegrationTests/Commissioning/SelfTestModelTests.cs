using Edge.Gateway.Commissioning;
using Edge.Gateway.Detection;
using Edge.Gateway.Ingest;
using Edge.TestKit;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.IntegrationTests.Commissioning;

/// <summary>The monthly self-test against the committed model: it must pass on a healthy gateway, or it would page staff every month for nothing.</summary>
public sealed class SelfTestModelTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public void Run_CommittedModel_DetectsTheSyntheticFall()
    {
        var factory = new ModelArtifactDetectorFactory(Options.Create(new DetectionOptions { ModelDirectory = Path.Combine(TestData.RepoRoot, "models", "fall-model") }));
        var source = new ChannelSensorMessageSource { IsConnected = true };

        var failures = new SelfTest(factory, source).Run();

        Assert.Empty(failures);
    }
}
