using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Preprocessing;

public class RandomRotationTests
{
    [Theory]
    [InlineData(-0.4)]
    [InlineData(0.2)]
    public void Harness(double factor) =>
        LayerTest.Run(() => new RandomRotation(factor, seed: 1), inputShape: [2, 5, 7, 3], expectedOutputShape: [2, 5, 7, 3], trainingDiffers: true);

    [Fact]
    public void Harness_with_a_pair() =>
        LayerTest.Run(() => new RandomRotation((-0.2, 0.4), seed: 1), inputShape: [2, 3, 4, 1], expectedOutputShape: [2, 3, 4, 1], trainingDiffers: true);

    [Fact]
    public void Half_a_turn_matches_Keras()
    {
        // Keras's test: arange(25) as one 5 × 5 image, factor (0.5, 0.5), default bilinear and reflect: reversed.
        float[] y = new RandomRotation((0.5, 0.5)).Apply(Images.Arange(1, 5, 5, 1), training: true).ToArray();
        AssertEx.Close(Enumerable.Range(0, 25).Select(i => 24f - i).ToArray(), y, atol: 1e-5, rtol: 0);
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(4, 3)]
    public void A_quarter_turn_of_a_square_image_with_nearest_interpolation_is_exact(int size, int channels)
    {
        // Counter-clockwise by 90°: the right column becomes the top row (out[r, q] = in[q, size − 1 − r]); a
        // negative factor turns clockwise (out[r, q] = in[size − 1 − q, r]).
        Tensor x = TestData.Uniform([1, size, size, channels], seed: size);
        float[] xv = x.ToArray();
        float[] ccw = new RandomRotation((0.25, 0.25), interpolation: "nearest").Apply(x, training: true).ToArray();
        float[] cw = new RandomRotation((-0.25, -0.25), interpolation: "nearest").Apply(x, training: true).ToArray();
        for (int r = 0; r < size; r++)
        {
            for (int q = 0; q < size; q++)
            {
                for (int k = 0; k < channels; k++)
                {
                    int at = (((r * size) + q) * channels) + k;
                    Assert.Equal(xv[(((q * size) + (size - 1 - r)) * channels) + k], ccw[at]);
                    Assert.Equal(xv[((((size - 1 - q) * size) + r) * channels) + k], cw[at]);
                }
            }
        }
    }

    [Fact]
    public void A_zero_factor_is_the_identity()
    {
        Tensor x = TestData.Uniform([3, 5, 7, 3], seed: 5);
        Assert.Equal(x.ToArray(), new RandomRotation(0.0).Apply(x, training: true).ToArray());
    }

    [Fact]
    public void Each_image_gets_its_own_angle_and_seeds_repeat()
    {
        Tensor x = Images.Repeat(TestData.Uniform([7, 7, 1], seed: 2), 6);
        float[] Run(int seed)
        {
            var layer = new RandomRotation(0.5, seed: seed);
            return [.. layer.Apply(x, training: true).ToArray(), .. layer.Apply(x, training: true).ToArray()];
        }

        float[] first = Run(21);
        Assert.Equal(first, Run(21));
        Assert.NotEqual(first, Run(22));
        Assert.Equal(6, Enumerable.Range(0, 6).Select(n => string.Join(",", first.AsSpan(n * 49, 49).ToArray())).Distinct().Count());
    }

    [Fact]
    public void Inference_returns_the_input_itself()
    {
        Tensor x = Images.Arange(1, 5, 5, 1);
        Assert.Same(x, new RandomRotation((0.5, 0.5)).Apply(x, training: false));
    }

    [Fact]
    public void Gradients_match_finite_differences_when_the_input_is_tracked()
    {
        Tensor x = TestData.Uniform([2, 5, 7, 3], seed: 6);
        foreach (string fill in ImageAugmentation.FillModes)
        {
            var layer = new RandomRotation((0.07, 0.07), fillMode: fill);   // a fixed 25.2° turn
            GradCheck.Assert(i => layer.Apply(i[0], training: true), [x]);
        }
    }

    [Fact]
    public void Config_keeps_the_sorted_range_as_Keras_does_and_round_trips()
    {
        var layer = new RandomRotation(0.2, fillMode: "constant", interpolation: "nearest", seed: 3, fillValue: -1, name: "turn");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(new[] { -0.2, 0.2 }, (double[])config["factor"]!);
        Assert.Equal(("constant", "nearest", 3, -1.0, "channels_last"),
            ((string)config["fill_mode"]!, (string)config["interpolation"]!, (int)config["seed"]!, (double)config["fill_value"]!, (string)config["data_format"]!));
        var clone = (RandomRotation)LayerRegistry.FromConfig("RandomRotation", config);
        Assert.Equal((layer.Factor, layer.FillMode, layer.Interpolation, layer.Seed, layer.FillValue, layer.Name),
            (clone.Factor, clone.FillMode, clone.Interpolation, clone.Seed, clone.FillValue, clone.Name));
        Tensor x = TestData.Uniform([3, 6, 5, 2]);
        Assert.Equal(layer.Apply(x, training: true).ToArray(), clone.Apply(x, training: true).ToArray());
        Assert.Equal((-0.3, 0.1), (new RandomRotation((0.1, -0.3)).Factor.Lower, new RandomRotation((0.1, -0.3)).Factor.Upper));
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_messages()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(1.5),
            "RandomRotation: factor should be a number (or a pair of two numbers) in the range [-1.0, 1.0], fractions of a full turn, but received factor=1.5.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RandomRotation((-0.2, 2.0)), "factor=(-0.2, 2)");
        AssertEx.Throws<ArgumentException>(() => new RandomRotation(0.1, fillMode: "mirror"), "RandomRotation: Unknown fillMode 'mirror'. Known: reflect, wrap, constant, nearest.");
        AssertEx.Throws<ArgumentException>(() => new RandomRotation(0.1, interpolation: "nearst"), "Did you mean 'nearest'?");
        AssertEx.Throws<ShapeMismatchException>(() => new RandomRotation(0.1, name: "r").Apply(Tensor.Zeros(1, 2, 3, 4, 5), training: true),
            "Layer 'r' (RandomRotation, factor=(-0.1, 0.1)) expects input of rank at most 4");
    }
}
