using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Regularization;

public class DropoutTests
{
    [Fact]
    public void Harness() => LayerTest.Run(() => new Dropout(0.5f, seed: 1), inputShape: [4, 8], expectedOutputShape: [4, 8], trainingDiffers: true);

    [Fact]
    public void Drops_about_rate_and_keeps_the_expected_value()
    {
        Tensor x = Tensor.Ones(100, 100);
        float[] y = new Dropout(0.3f, seed: 5).Apply(x, training: true).ToArray();
        double dropped = y.Count(v => v == 0f) / (double)y.Length;
        Assert.InRange(dropped, 0.28, 0.32);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / 0.7f, v, 5));
        Assert.InRange(y.Average(), 0.97, 1.03);
    }

    [Fact]
    public void Seeded_masks_are_reproducible()
    {
        Tensor x = Tensor.Ones(4, 4);
        Assert.Equal(new Dropout(0.5f, seed: 9).Apply(x, training: true).ToArray(), new Dropout(0.5f, seed: 9).Apply(x, training: true).ToArray());
    }

    [Fact]
    public void Gradient_flows_through_the_kept_elements_only()
    {
        var layer = new Dropout(0.5f, seed: 2);
        Tensor x = TestData.Uniform([3, 4]);
        Tensor y;
        Tensor g;
        using (var tape = new Nabla.Autodiff.GradientTape())
        {
            tape.Watch(x);
            y = layer.Apply(x, training: true);
            g = tape.Gradient(y, [x])[0];
        }

        float[] yv = y.ToArray(), gv = g.ToArray();
        for (int i = 0; i < yv.Length; i++)
        {
            Assert.Equal(yv[i] == 0f ? 0f : 2f, gv[i]);
        }
    }

    [Fact]
    public void Rate_outside_zero_one_is_rejected() =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Dropout(1f), "rate must be in [0, 1)");
}
