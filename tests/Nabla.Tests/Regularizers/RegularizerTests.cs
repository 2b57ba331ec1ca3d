using Nabla.Layers;
using Nabla.Regularizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Regularizers;

public class RegularizerTests
{
    private static readonly Tensor s_w = Tensor.FromArray([1f, -2f, 3f], 3);

    [Fact]
    public void Penalties_match_their_definitions()
    {
        Assert.Equal(0.06f, new L1().Call(s_w).Item(), 6);             // 0.01·(1+2+3)
        Assert.Equal(0.14f, new L2().Call(s_w).Item(), 6);             // 0.01·(1+4+9)
        Assert.Equal(0.6f + 2.8f, new L1L2(0.1f, 0.2f).Call(s_w).Item(), 5);
        Assert.IsType<L2>(Regularizer.Get("l2"));
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        GradCheck.Assert(x => new L2(0.5f).Call(x[0]), [TestData.Uniform([3, 2])]);
        GradCheck.Assert(x => new L1(0.5f).Call(x[0]), [TestData.AwayFromZero([3, 2])]);
    }

    [Fact]
    public void Layer_penalties_join_the_model_loss()
    {
        var dense = new Dense(2, kernelRegularizer: new L2(0.1f), inputShape: [3]);
        var model = new Sequential([dense]);
        model.Compile(optimizer: "sgd", loss: "mse");
        float penalty = model.Losses.Single().Item();
        float kernelSquares = dense.Kernel!.Value.ToArray().Sum(v => v * v);
        Assert.Equal(0.1f * kernelSquares, penalty, 5e-6);   // a tolerance: rounding both to 5 decimals can split one ulp
        Tensor x = Tensor.Ones(1, 3), y = Tensor.Zeros(1, 2);
        float loss = model.ComputeLoss(x, y, model.Apply(x)).Item();
        float mse = model.Apply(x).ToArray().Average(v => v * v);
        Assert.Equal(mse + penalty, loss, 5e-6);
    }

    [Fact]
    public void Unknown_names_are_listed() =>
        AssertEx.Throws<ArgumentException>(() => Regularizer.Get("l3"), "Unknown regularizer 'l3'", "l1, l1_l2, l2");
}
