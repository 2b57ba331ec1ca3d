using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Preprocessing;

public class RandomTranslationTests
{
    [Theory]
    [InlineData(0.4, 0.6)]
    [InlineData(0.3, 0.2)]
    public void Harness(double height, double width) =>
        LayerTest.Run(() => new RandomTranslation(height, width, seed: 1), inputShape: [2, 5, 7, 3], expectedOutputShape: [2, 5, 7, 3], trainingDiffers: true);

    [Fact]
    public void Harness_with_pairs() =>
        LayerTest.Run(() => new RandomTranslation((-0.5, 0.4), (0.2, 0.3), seed: 1), inputShape: [2, 3, 4, 1], expectedOutputShape: [2, 3, 4, 1], trainingDiffers: true);

    // Keras's numeric cases (random_translation_test.py): arange(25) as one 5 × 5 image, moved by exactly one pixel
    // (a factor of ±0.2 of 5), with the default reflect fill or a constant 0.
    [Theory]
    [InlineData(-0.2, 0.0, "reflect", new float[] { 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 20, 21, 22, 23, 24 })]
    [InlineData(-0.2, 0.0, "constant", new float[] { 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 0, 0, 0, 0, 0 })]
    [InlineData(0.2, 0.0, "reflect", new float[] { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 })]
    [InlineData(0.2, 0.0, "constant", new float[] { 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 })]
    [InlineData(0.0, -0.2, "reflect", new float[] { 1, 2, 3, 4, 4, 6, 7, 8, 9, 9, 11, 12, 13, 14, 14, 16, 17, 18, 19, 19, 21, 22, 23, 24, 24 })]
    [InlineData(0.0, -0.2, "constant", new float[] { 1, 2, 3, 4, 0, 6, 7, 8, 9, 0, 11, 12, 13, 14, 0, 16, 17, 18, 19, 0, 21, 22, 23, 24, 0 })]
    public void Whole_pixel_shifts_match_Keras(double height, double width, string fillMode, float[] expected)
    {
        var layer = new RandomTranslation((height, height), (width, width), fillMode: fillMode);
        Assert.Equal(expected, layer.Apply(Images.Arange(1, 5, 5, 1), training: true).ToArray());
    }

    [Fact]
    public void Reflection_beyond_the_edge_on_a_tall_image_matches_Keras()
    {
        // Keras: arange(16) as 8 rows of 2, moved down by half the height: rows −4..−1 mirror rows 3..0.
        var layer = new RandomTranslation((0.5, 0.5), 0.0);
        float[] y = layer.Apply(Images.Arange(1, 8, 2, 1), training: true).ToArray();
        Assert.Equal([6f, 7, 4, 5, 2, 3, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7], y);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_whole_pixel_shift_with_constant_fill_is_an_exact_shift(int channels)
    {
        // A 5 × 7 image moved 2 rows up and 3 columns right (−0.4·5, 3/7 of 7), nearest and bilinear alike.
        Tensor x = TestData.Uniform([1, 5, 7, channels], seed: 3);
        float[] xv = x.ToArray();
        foreach (string interpolation in new[] { "nearest", "bilinear" })
        {
            var layer = new RandomTranslation((-0.4, -0.4), (3 / 7.0, 3 / 7.0), fillMode: "constant", interpolation: interpolation, fillValue: -9);
            float[] y = layer.Apply(x, training: true).ToArray();
            for (int r = 0; r < 5; r++)
            {
                for (int q = 0; q < 7; q++)
                {
                    for (int k = 0; k < channels; k++)
                    {
                        int sr = r + 2, sq = q - 3;
                        float expected = sr < 5 && sq >= 0 ? xv[(((sr * 7) + sq) * channels) + k] : -9f;
                        Assert.Equal(expected, y[(((r * 7) + q) * channels) + k]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Each_image_gets_its_own_shift_and_seeds_repeat()
    {
        Tensor x = Images.Repeat(TestData.Uniform([6, 6, 1], seed: 2), 8);
        float[] Run(int seed)
        {
            var layer = new RandomTranslation(0.3, 0.3, seed: seed);
            return [.. layer.Apply(x, training: true).ToArray(), .. layer.Apply(x, training: true).ToArray()];
        }

        float[] first = Run(12);
        Assert.Equal(first, Run(12));
        Assert.NotEqual(first, Run(13));
        int distinct = Enumerable.Range(0, 8).Select(n => string.Join(",", first.AsSpan(n * 36, 36).ToArray())).Distinct().Count();
        Assert.Equal(8, distinct);
    }

    [Fact]
    public void A_pair_in_decreasing_order_is_sorted_as_Keras_sorts_it()
    {
        Tensor x = TestData.Uniform([4, 5, 6, 2], seed: 1);
        var sorted = new RandomTranslation((-0.1, 0.3), (0.2, 0.25), seed: 4);
        var reversed = new RandomTranslation((0.3, -0.1), (0.25, 0.2), seed: 4);
        Assert.Equal((-0.1, 0.3), (reversed.HeightFactor.Lower, reversed.HeightFactor.Upper));
        Assert.Equal(sorted.Apply(x, training: true).ToArray(), reversed.Apply(x, training: true).ToArray());
        Assert.Equal(new[] { 0.3, -0.1 }, (double[])reversed.GetConfig()["height_factor"]!);   // kept as given, as Keras keeps it
    }

    [Fact]
    public void Inference_returns_the_input_itself()
    {
        Tensor x = Images.Arange(1, 3, 3, 1);
        Assert.Same(x, new RandomTranslation(0.2, 0.1).Apply(x));
    }

    [Fact]
    public void Gradients_match_finite_differences_when_the_input_is_tracked()
    {
        // A fixed fractional shift (a range of width zero) makes the layer a fixed linear map.
        Tensor x = TestData.Uniform([2, 5, 7, 3], seed: 6);
        foreach (string fill in ImageAugmentation.FillModes)
        {
            var layer = new RandomTranslation((0.13, 0.13), (-0.31, -0.31), fillMode: fill);
            GradCheck.Assert(i => layer.Apply(i[0], training: true), [x]);
        }
    }

    [Fact]
    public void Config_has_Keras_keys_and_round_trips()
    {
        var layer = new RandomTranslation(0.2, (-0.1, 0.3), fillMode: "wrap", interpolation: "nearest", seed: 7, fillValue: 1.5, name: "shift");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(0.2, config["height_factor"]);
        Assert.Equal(new[] { -0.1, 0.3 }, (double[])config["width_factor"]!);
        Assert.Equal(("wrap", "nearest", 7, 1.5, "channels_last"),
            ((string)config["fill_mode"]!, (string)config["interpolation"]!, (int)config["seed"]!, (double)config["fill_value"]!, (string)config["data_format"]!));
        var clone = (RandomTranslation)LayerRegistry.FromConfig("RandomTranslation", config);
        Assert.Equal((layer.HeightFactor, layer.WidthFactor, layer.FillMode, layer.Interpolation, layer.Seed, layer.FillValue, layer.Name),
            (clone.HeightFactor, clone.WidthFactor, clone.FillMode, clone.Interpolation, clone.Seed, clone.FillValue, clone.Name));
        Tensor x = TestData.Uniform([3, 4, 5, 1]);
        Assert.Equal(layer.Apply(x, training: true).ToArray(), clone.Apply(x, training: true).ToArray());
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_messages()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(1.1, 0.0),
            "RandomTranslation: heightFactor should be a number (or a pair of two numbers) in the range [-1.0, 1.0]", "but received heightFactor=1.1");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(0.0, (-1.1, 0.0)), "widthFactor=(-1.1, 0)");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(double.NaN, 0.0), "heightFactor=NaN");
        AssertEx.Throws<ArgumentException>(() => new RandomTranslation(0.1, 0.1, fillMode: "reflection"),
            "RandomTranslation: Unknown fillMode 'reflection'. Known: reflect, wrap, constant, nearest.", "Did you mean 'reflect'?");
        AssertEx.Throws<ArgumentException>(() => new RandomTranslation(0.1, 0.1, interpolation: "bicubic"),
            "RandomTranslation: Unknown interpolation 'bicubic'. Known: nearest, bilinear.");
    }
}
