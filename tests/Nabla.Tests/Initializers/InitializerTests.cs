using Nabla.Initializers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Initializers;

public class InitializerTests
{
    [Theory]
    [InlineData("glorot_uniform", typeof(GlorotUniform))]
    [InlineData("GlorotUniform", typeof(GlorotUniform))]
    [InlineData("glorot_normal", typeof(GlorotNormal))]
    [InlineData("he_normal", typeof(HeNormal))]
    [InlineData("he_uniform", typeof(HeUniform))]
    [InlineData("lecun_normal", typeof(LecunNormal))]
    [InlineData("lecun_uniform", typeof(LecunUniform))]
    [InlineData("random_normal", typeof(RandomNormal))]
    [InlineData("normal", typeof(RandomNormal))]
    [InlineData("random_uniform", typeof(RandomUniform))]
    [InlineData("uniform", typeof(RandomUniform))]
    [InlineData("truncated_normal", typeof(TruncatedNormal))]
    [InlineData("variance_scaling", typeof(VarianceScaling))]
    [InlineData("zeros", typeof(Zeros))]
    [InlineData("zero", typeof(Zeros))]
    [InlineData("ones", typeof(Ones))]
    [InlineData("One", null)]
    [InlineData("constant", typeof(Constant))]
    public void Get_knows_keras_names_and_aliases(string name, Type? expected)
    {
        if (expected is null)
        {
            Assert.Throws<ArgumentException>(() => Initializer.Get(name));   // case-sensitive, as Keras
            return;
        }

        Assert.IsType(expected, Initializer.Get(name));
        Initializer converted = name;
        Assert.IsType(expected, converted);
    }

    [Fact]
    public void Unknown_names_list_the_known_ones_and_suggest_the_closest()
    {
        AssertEx.Throws<ArgumentException>(() => Initializer.Get("glorot_unifrom"),
            "Unknown initializer 'glorot_unifrom'. Known: constant, glorot_normal, glorot_uniform, he_normal, he_uniform, lecun_normal, " +
            "lecun_uniform, ones, random_normal, random_uniform, truncated_normal, variance_scaling, zeros. Did you mean 'glorot_uniform'?");
        AssertEx.Throws<ArgumentException>(() => Initializer.Get("HeNromal"), "Did you mean 'HeNormal'?");
    }

    [Fact]
    public void Call_rejects_negative_dimensions() =>
        AssertEx.Throws<ArgumentException>(() => new GlorotUniform().Call(-1, 3), "GlorotUniform initializer: shape dimensions must be non-negative, but received [-1, 3].");

    public static TheoryData<Initializer> Seeded() => new()
    {
        new GlorotUniform(seed: 1), new GlorotNormal(seed: 2), new HeNormal(seed: 3), new HeUniform(seed: 4), new LecunNormal(seed: 5),
        new LecunUniform(seed: 6), new RandomNormal(0.5f, 2f, seed: 7), new RandomUniform(-2f, 1f, seed: 8), new TruncatedNormal(1f, 0.1f, seed: 9),
        new VarianceScaling(2f, "fan_out", "untruncated_normal", seed: 10), new Zeros(), new Ones(), new Constant(3.5f),
    };

    [Theory]
    [MemberData(nameof(Seeded))]
    public void Config_round_trips_to_an_equivalent_initializer(Initializer original)
    {
        Initializer again = Initializer.FromConfig(original.GetType().Name, original.GetConfig());
        Assert.IsType(original.GetType(), again);
        Assert.Equal(original.GetConfig(), again.GetConfig());
        Assert.Equal(original.Call(6, 7).ToArray(), again.Call(6, 7).ToArray());
    }

    [Fact]
    public void FromConfig_reads_keras_json_numbers_and_reports_bad_values()
    {
        // A Keras config.json gives doubles and longs.
        var init = (RandomNormal)Initializer.FromConfig("RandomNormal", new Dictionary<string, object?> { ["mean"] = 0.5, ["stddev"] = 2.0, ["seed"] = 12L });
        Assert.Equal((0.5f, 2f, 12), (init.Mean, init.Stddev, init.Seed));
        Assert.Null(((GlorotUniform)Initializer.FromConfig("GlorotUniform", new Dictionary<string, object?> { ["seed"] = null })).Seed);
        AssertEx.Throws<ArgumentException>(() => Initializer.FromConfig("RandomNormal", new Dictionary<string, object?> { ["stddev"] = new object() }),
            "RandomNormal config: 'stddev' must be a number, but received System.Object (Object).");
        AssertEx.Throws<ArgumentException>(() => Initializer.FromConfig("Orthogonal", new Dictionary<string, object?>()), "Unknown initializer 'Orthogonal'");
    }
}
