using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Preprocessing;

public class RandomFlipTests
{
    [Theory]
    [InlineData("horizontal")]
    [InlineData("vertical")]
    [InlineData("horizontal_and_vertical")]
    public void Harness(string mode) =>
        LayerTest.Run(() => new RandomFlip(mode, seed: 1), inputShape: [8, 5, 7, 3], expectedOutputShape: [8, 5, 7, 3], trainingDiffers: true);

    [Theory]
    [InlineData("horizontal", 1)]
    [InlineData("vertical", 2)]
    [InlineData("horizontal_and_vertical", 3)]
    public void Each_image_is_copied_or_mirrored_exactly_on_its_own_draw(string mode, int code)
    {
        // 64 copies of one 5 × 7 × 3 image: each comes back either untouched or mirrored, and both happen.
        Tensor image = TestData.Uniform([5, 7, 3], seed: 4);
        float[] plain = image.ToArray(), mirrored = Images.Flip(plain, 5, 7, 3, code);
        Tensor y = new RandomFlip(mode, seed: 7).Apply(Images.Repeat(image, 64), training: true);
        int flipped = 0;
        for (int n = 0; n < 64; n++)
        {
            float[] yi = Images.Image(y, n);
            bool isMirror = yi.SequenceEqual(mirrored);
            Assert.True(isMirror || yi.SequenceEqual(plain), $"Image {n} is neither the input nor its mirror.");
            flipped += isMirror ? 1 : 0;
        }

        Assert.InRange(flipped, 16, 48);
    }

    [Fact]
    public void A_single_image_of_rank_3_is_flipped_too()
    {
        // Keras's test: [[2 3 4] [5 6 7]] as one image of 1 row, 2 columns, 3 channels; horizontal swaps the pixels.
        Tensor image = Tensor.FromArray([2f, 3f, 4f, 5f, 6f, 7f], 1, 2, 3);
        var layer = new RandomFlip("horizontal", seed: 3);
        var seen = new HashSet<string>();
        for (int i = 0; i < 20; i++)
        {
            Tensor y = layer.Apply(image, training: true);
            Assert.Equal([1, 2, 3], y.Shape);
            seen.Add(string.Join(",", y.ToArray()));
        }

        Assert.Equal(new HashSet<string> { "2,3,4,5,6,7", "5,6,7,2,3,4" }, seen);
    }

    [Fact]
    public void The_same_seed_gives_the_same_flips_and_another_seed_others()
    {
        Tensor x = TestData.Uniform([32, 4, 5, 1], seed: 2);
        float[] Run(int seed)
        {
            var layer = new RandomFlip(seed: seed);
            return [.. layer.Apply(x, training: true).ToArray(), .. layer.Apply(x, training: true).ToArray()];
        }

        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
    }

    [Fact]
    public void Inference_returns_the_input_itself()
    {
        Tensor x = TestData.Uniform([2, 3, 4, 1]);
        Assert.Same(x, new RandomFlip().Apply(x));
        Assert.Same(x, new RandomFlip().Apply(x, training: false));
    }

    [Fact]
    public void A_gradient_that_reaches_the_layer_comes_back_flipped()
    {
        // y = flip(x): dL/dx = flip(dL/dy), exactly; checked against finite differences too.
        Tensor x = TestData.Uniform([6, 3, 5, 2], seed: 8);
        Tensor r = TestData.Uniform([6, 3, 5, 2], seed: 9);
        var layer = new RandomFlip(seed: 2);
        Tensor y, g;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            y = layer.Apply(x, training: true);
            g = tape.Gradient(Ops.Sum(Ops.Multiply(y, r)), [x])[0];
        }

        for (int n = 0; n < 6; n++)
        {
            bool flipped = !Images.Image(y, n).SequenceEqual(Images.Image(x, n));
            Assert.Equal(Images.Flip(Images.Image(r, n), 3, 5, 2, flipped ? 3 : 0), Images.Image(g, n));
        }

        GradCheck.Assert(i => Ops.FlipImages(i[0], [2, 0, 1, 3, 0, 1]), [x]);
    }

    [Fact]
    public void Config_has_Keras_keys_and_round_trips()
    {
        var layer = new RandomFlip("vertical", seed: 42, name: "flip");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal("vertical", config["mode"]);
        Assert.Equal(42, config["seed"]);
        Assert.Equal("channels_last", config["data_format"]);
        var clone = (RandomFlip)LayerRegistry.FromConfig("RandomFlip", config);
        Assert.Equal(("vertical", 42, "flip"), (clone.Mode, clone.Seed, clone.Name));

        Tensor x = TestData.Uniform([16, 3, 4, 2], seed: 1);
        Assert.Equal(layer.Apply(x, training: true).ToArray(), clone.Apply(x, training: true).ToArray());
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_known_names()
    {
        AssertEx.Throws<ArgumentException>(() => new RandomFlip("horizontally"),
            "RandomFlip: Unknown mode 'horizontally'. Known: horizontal, vertical, horizontal_and_vertical.", "Did you mean 'horizontal'?");
        AssertEx.Throws<ShapeMismatchException>(() => new RandomFlip(name: "f").Apply(Tensor.Zeros(4, 5), training: true),
            "Layer 'f' (RandomFlip, mode=horizontal_and_vertical) expects input of rank at least 3, but received shape [4, 5]");
        var config = new RandomFlip().GetConfig();
        config["data_format"] = "channels_first";
        AssertEx.Throws<ArgumentException>(() => LayerRegistry.FromConfig("RandomFlip", config), "only channels-last images", "'channels_first'");
    }
}
