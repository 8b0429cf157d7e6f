using System.Text;
using Edge.Detection.Model;

namespace Edge.Detection.Tests;

public sealed class XGBoostModelTests
{
    private static XGBoostModel Parse(string json) => XGBoostModel.Parse(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData(3f, 0f, 1.0f)]          // right 0.75 + left 0.25
    [InlineData(1f, 0.5f, -0.625f)]     // left −0.5 + right −0.125
    [InlineData(2.5f, 0.1f, 0.625f)]    // equal to the split goes right in both trees
    [InlineData(float.NaN, 0f, -0.25f)] // missing f0 follows default_left (left)
    [InlineData(3f, float.NaN, 0.625f)] // missing f1 follows default right
    public void Margin_HandWrittenModel_KnownOutputs(float f0, float f1, float margin)
    {
        var model = Parse(HandModel.Json(2));

        Assert.Equal(margin, model.Margin([f0, f1]), 6);
        Assert.Equal(1 / (1 + Math.Exp(-margin)), model.Score([f0, f1]), 1e-6);
        Assert.Equal(2, model.TreeCount);
        Assert.Equal("1.7.4", model.Version);
    }

    [Theory]
    [InlineData("multi:softprob", "0", "0", "gbtree", "objective")]
    [InlineData("reg:squarederror", "0", "0", "gbtree", "objective")]
    [InlineData("binary:logistic", "3", "0", "gbtree", "multi-class")]
    [InlineData("binary:logistic", "0", "1", "gbtree", "categorical")]
    [InlineData("binary:logistic", "0", "0", "dart", "booster")]
    public void Parse_UnsupportedModel_FailsClearly(string objective, string numClass, string splitType, string booster, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(HandModel.Json(2, objective, numClass, splitType, booster)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingVersion_FailsClearly()
    {
        var json = HandModel.Json(2).Replace("\"version\":[1,7,4]", "\"nothing\":0", StringComparison.Ordinal);

        var ex = Assert.Throws<InvalidDataException>(() => Parse(json));

        Assert.Contains("'version'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SplitOnFeatureBeyondNumFeature_Fails()
    {
        var json = HandModel.Json(2).Replace("\"split_indices\":[1,0,0]", "\"split_indices\":[7,0,0]", StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => Parse(json));
    }

    [Fact]
    public void Parse_NotJson_Fails()
    {
        Assert.Throws<InvalidDataException>(() => Parse("{ not json"));
    }

    [Fact]
    public void Margin_TooFewFeatures_Throws()
    {
        Assert.Throws<ArgumentException>(() => Parse(HandModel.Json(2)).Margin([1f]));
    }
}
