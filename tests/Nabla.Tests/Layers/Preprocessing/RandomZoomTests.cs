using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Preprocessing;

public class RandomZoomTests
{
    [Fact]
    public void Harness() =>
        LayerTest.Run(() => new RandomZoom(0.3, seed: 1), inputShape: [2, 5, 7, 3], expectedOutputShape: [2, 5, 7, 3], trainingDiffers: true);

    [Fact]
    public void Harness_with_pairs() =>
        LayerTest.Run(() => new RandomZoom((-0.4, -0.5), (-0.2, -0.3), seed: 1), inputShape: [2, 3, 4, 1], expectedOutputShape: [2, 3, 4, 1], trainingDiffers: true);

    // Keras's numeric cases (random_zoom_test.py), on arange(25) as one 5 × 5 image with a constant 0 fill.
    [Fact]
    public void Zooming_out_matches_Keras()
    {
        var layer = new RandomZoom((0.5, 0.5), (0.8, 0.8), fillMode: "constant");
        float[] expected =
        [
            0, 0, 0, 0, 0,
            0, 2.7f, 4.5f, 6.3f, 0,
            0, 10.2f, 12f, 13.8f, 0,
            0, 17.7f, 19.5f, 21.3f, 0,
            0, 0, 0, 0, 0,
        ];
        AssertEx.Close(expected, layer.Apply(Images.Arange(1, 5, 5, 1), training: true).ToArray(), atol: 1e-5, rtol: 1e-5);
    }

    [Fact]
    public void Zooming_in_matches_Keras()
    {
        var layer = new RandomZoom((-0.5, -0.5), (-0.5, -0.5), fillMode: "constant");
        float[] expected = Enumerable.Range(0, 25).Select(i => 6f + (2.5f * (i / 5)) + (0.5f * (i % 5))).ToArray();
        AssertEx.Close(expected, layer.Apply(Images.Arange(1, 5, 5, 1), training: true).ToArray(), atol: 1e-5, rtol: 1e-5);
    }

    [Fact]
    public void Zooming_out_with_nearest_interpolation_matches_Keras()
    {
        var layer = new RandomZoom((0.5, 0.5), (0.8, 0.8), fillMode: "constant", interpolation: "nearest");
        float[] expected = [0, 0, 0, 0, 0, 0, 5, 7, 9, 0, 0, 10, 12, 14, 0, 0, 20, 22, 24, 0, 0, 0, 0, 0, 0];
        Assert.Equal(expected, layer.Apply(Images.Arange(1, 5, 5, 1), training: true).ToArray());
    }

    [Fact]
    public void A_zero_factor_is_the_identity_in_every_mode()
    {
        Tensor x = TestData.Uniform([3, 5, 7, 3], seed: 5);
        foreach (string fill in ImageAugmentation.FillModes)
        {
            foreach (string interpolation in ImageAugmentation.Interpolations)
            {
                var layer = new RandomZoom(0.0, fillMode: fill, interpolation: interpolation, seed: 2);
                Assert.Equal(x.ToArray(), layer.Apply(x, training: true).ToArray());
            }
        }
    }

    [Fact]
    public void Without_a_width_factor_both_axes_zoom_alike()
    {
        // A symmetric square image (x[r, q] = x[q, r]) stays symmetric when both axes scale by the same draw.
        var rng = new System.Random(3);
        var image = new float[9 * 9];
        for (int r = 0; r < 9; r++)
        {
            for (int q = 0; q <= r; q++)
            {
                image[(r * 9) + q] = image[(q * 9) + r] = (float)rng.NextDouble();
            }
        }

        Tensor x = Images.Repeat(Tensor.FromArray(image, 9, 9, 1), 8);
        bool Symmetric(float[] y, int n) => Enumerable.Range(0, 81).All(i => MathF.Abs(y[(n * 81) + i] - y[(n * 81) + ((i % 9) * 9) + (i / 9)]) < 1e-6f);
        float[] same = new RandomZoom(0.4, seed: 5).Apply(x, training: true).ToArray();
        float[] apart = new RandomZoom(0.4, 0.4, seed: 5).Apply(x, training: true).ToArray();
        Assert.All(Enumerable.Range(0, 8), n => Assert.True(Symmetric(same, n), $"Image {n} lost its symmetry."));
        Assert.Contains(Enumerable.Range(0, 8), n => !Symmetric(apart, n));
        Assert.Equal(new RandomZoom((0.3, 0.3)).Apply(x, training: true).ToArray(), new RandomZoom((0.3, 0.3), (0.3, 0.3)).Apply(x, training: true).ToArray());
    }

    [Fact]
    public void Each_image_gets_its_own_zoom_and_seeds_repeat()
    {
        Tensor x = Images.Repeat(TestData.Uniform([7, 6, 2], seed: 2), 6);
        float[] Run(int seed)
        {
            var layer = new RandomZoom(0.5, (-0.2, 0.6), seed: seed);
            return [.. layer.Apply(x, training: true).ToArray(), .. layer.Apply(x, training: true).ToArray()];
        }

        float[] first = Run(31);
        Assert.Equal(first, Run(31));
        Assert.NotEqual(first, Run(32));
        Assert.Equal(6, Enumerable.Range(0, 6).Select(n => string.Join(",", first.AsSpan(n * 84, 84).ToArray())).Distinct().Count());
    }

    [Fact]
    public void Inference_returns_the_input_itself()
    {
        Tensor x = Images.Arange(5, 5, 1);
        Assert.Same(x, new RandomZoom(0.5).Apply(x));
    }

    [Fact]
    public void A_single_image_of_rank_3_is_zoomed_like_a_batch_of_one()
    {
        var layer = new RandomZoom((0.5, 0.5), (0.8, 0.8), fillMode: "constant", interpolation: "nearest");
        Tensor y = layer.Apply(Images.Arange(5, 5, 1), training: true);
        Assert.Equal([5, 5, 1], y.Shape);
        Assert.Equal([0f, 5, 7, 9, 0], y.ToArray()[5..10]);
    }

    [Fact]
    public void Gradients_match_finite_differences_when_the_input_is_tracked()
    {
        Tensor x = TestData.Uniform([2, 5, 7, 3], seed: 6);
        foreach (string fill in ImageAugmentation.FillModes)
        {
            var layer = new RandomZoom((-0.3, -0.3), (0.35, 0.35), fillMode: fill);
            GradCheck.Assert(i => layer.Apply(i[0], training: true), [x]);
        }
    }

    [Fact]
    public void Config_has_Keras_keys_and_round_trips()
    {
        var layer = new RandomZoom((0.1, -0.2), fillMode: "nearest", seed: 9, name: "zoom");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(new[] { 0.1, -0.2 }, (double[])config["height_factor"]!);
        Assert.True(config.ContainsKey("width_factor") && config["width_factor"] is null);
        Assert.Equal(("nearest", "bilinear", 9, 0.0, "channels_last"),
            ((string)config["fill_mode"]!, (string)config["interpolation"]!, (int)config["seed"]!, (double)config["fill_value"]!, (string)config["data_format"]!));
        var clone = (RandomZoom)LayerRegistry.FromConfig("RandomZoom", config);
        Assert.Equal((layer.HeightFactor, layer.WidthFactor, layer.FillMode, layer.Seed, layer.Name), (clone.HeightFactor, clone.WidthFactor, clone.FillMode, clone.Seed, clone.Name));
        Tensor x = TestData.Uniform([3, 6, 5, 2]);
        Assert.Equal(layer.Apply(x, training: true).ToArray(), clone.Apply(x, training: true).ToArray());

        var withWidth = (RandomZoom)LayerRegistry.FromConfig("RandomZoom", new RandomZoom(0.2, 0.4).GetConfig());
        Assert.Equal((RandomFactor?)0.4, withWidth.WidthFactor);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_messages()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RandomZoom(-1.5),
            "RandomZoom: heightFactor should be a number (or a pair of two numbers) in the range [-1.0, 1.0], fractions of the height (negative zooms in), but received heightFactor=-1.5.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RandomZoom(0.1, (0.5, 1.2)), "widthFactor=(0.5, 1.2)");
        AssertEx.Throws<ArgumentException>(() => new RandomZoom(0.1, fillMode: "warp"), "Unknown fillMode 'warp'", "Did you mean 'wrap'?");
    }
}
