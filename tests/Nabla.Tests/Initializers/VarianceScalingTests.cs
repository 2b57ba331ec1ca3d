using Nabla.Initializers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Initializers;

public class VarianceScalingTests
{
    private const double TruncatedStd = 0.87962566103423978;   // σ of a unit normal truncated to [-2, 2]

    [Fact]
    public void Fans_follow_keras_compute_fans()
    {
        Assert.Equal((1L, 1L), VarianceScaling.ComputeFans([]));
        Assert.Equal((7L, 7L), VarianceScaling.ComputeFans([7]));
        Assert.Equal((784L, 128L), VarianceScaling.ComputeFans([784, 128]));
        Assert.Equal((3L * 3 * 16, 3L * 3 * 32), VarianceScaling.ComputeFans([3, 3, 16, 32]));   // receptive field 9
        Assert.Equal((5L * 2 * 4, 5L * 2 * 6), VarianceScaling.ComputeFans([5, 2, 4, 6]));
    }

    // Shape [400, 500]: fan_in 400, fan_out 500, fan_avg 450; 200,000 samples.
    public static TheoryData<string, double, double> Family() => new()
    {
        // name, std after truncation (normals) or limit (uniforms), 0 for "uniform" marker in the third column
        { "glorot_uniform", Math.Sqrt(6.0 / 900), 1 },
        { "glorot_normal", Math.Sqrt(2.0 / 900), 0 },
        { "he_uniform", Math.Sqrt(6.0 / 400), 1 },
        { "he_normal", Math.Sqrt(2.0 / 400), 0 },
        { "lecun_uniform", Math.Sqrt(3.0 / 400), 1 },
        { "lecun_normal", Math.Sqrt(1.0 / 400), 0 },
    };

    [Theory]
    [MemberData(nameof(Family))]
    public void Glorot_he_and_lecun_have_keras_scales(string name, double scale, double uniform)
    {
        Tensor w = Initializer.Get(name).Call(400, 500);
        Assert.Equal([400, 500], w.Shape);
        if (uniform == 1)
        {
            // U(-limit, limit): std = limit/√3. The limit is a float, which can lie just above the exact one (for
            // glorot_uniform 0.0816496611 against 0.0816496581), and -limit itself is drawn about once in 2^24.
            double limit = (float)scale;
            Stats.Check(w, 0, scale / Math.Sqrt(3), -limit, limit);
        }
        else
        {
            // Truncated at 2σ_pre with σ_pre = scale / 0.8796…, so the values' std is `scale`. σ_pre is a float, so a
            // draw at the truncation point may round to a float just beyond the exact bound (one part in 10^7).
            double bound = 2 * scale / TruncatedStd * (1 + 1e-6);
            Stats.Check(w, 0, scale, -bound, bound, stdRtol: 0.015);
        }
    }

    [Fact]
    public void Conv_kernels_use_the_receptive_field()
    {
        // [3, 3, 16, 32]: fan_in 144 -> he_uniform limit √(6/144).
        double limit = Math.Sqrt(6.0 / 144);
        Tensor w = new HeUniform(seed: 3).Call(3, 3, 16, 32);
        (_, double std, double min, double max) = Stats.Of(w);
        Assert.True(min >= -limit && max <= limit && max > 0.95 * limit);
        Assert.Equal(limit / Math.Sqrt(3), std, 0.05 * limit);
    }

    [Fact]
    public void Fan_out_and_untruncated_normal()
    {
        // scale 3, fan_out 500: N(0, 3/500) without truncation, so values beyond 2σ exist.
        Tensor w = new VarianceScaling(scale: 3f, mode: "fan_out", distribution: "untruncated_normal", seed: 9).Call(400, 500);
        double std = Math.Sqrt(3.0 / 500);
        Stats.Check(w, 0, std, -6 * std, 6 * std);
        Assert.True(Stats.Of(w).Max > 2.5 * std);
    }

    [Fact]
    public void Normal_means_truncated_normal_and_distribution_is_case_insensitive()
    {
        Assert.Equal("truncated_normal", new VarianceScaling(distribution: "normal").Distribution);
        Assert.Equal("uniform", new VarianceScaling(distribution: "Uniform").Distribution);
    }

    [Fact]
    public void Small_fans_are_clamped_to_one()
    {
        // A [0, 3] weight has fan_in 0; Keras divides by max(1, fan) and must not produce infinities for other shapes.
        Assert.Equal(0, new GlorotUniform(seed: 1).Call(0, 3).Size);
        Tensor w = new VarianceScaling(scale: 1f, mode: "fan_in", distribution: "uniform", seed: 2).Call(1);
        Assert.True(Math.Abs(w.Item()) <= Math.Sqrt(3.0));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new VarianceScaling(scale: 0f), "VarianceScaling: scale must be a positive number, but received 0.");
        AssertEx.Throws<ArgumentException>(() => new VarianceScaling(mode: "fan_inn"),
            "VarianceScaling: Unknown mode 'fan_inn'. Known: fan_in, fan_out, fan_avg. Did you mean 'fan_in'?");
        AssertEx.Throws<ArgumentException>(() => new VarianceScaling(distribution: "gamma"),
            "Unknown distribution 'gamma'. Known: truncated_normal, untruncated_normal, uniform.");
    }

    [Fact]
    public void Config_has_keras_keys()
    {
        IReadOnlyDictionary<string, object?> config = new VarianceScaling(2f, "fan_avg", "uniform", seed: 4).GetConfig();
        Assert.Equal(4, config["seed"]);
        Assert.Equal(2f, config["scale"]);
        Assert.Equal("fan_avg", config["mode"]);
        Assert.Equal("uniform", config["distribution"]);
        // The named family serializes only its seed, as Keras.
        Assert.Equal(["seed"], new GlorotUniform().GetConfig().Keys);
        Assert.Null(new GlorotUniform().GetConfig()["seed"]);
    }
}
