using Nabla.Initializers;
using Nabla.Layers;

namespace Nabla.Tests.Onnx;

/// <summary>
/// Activation, regularization and reshaping layers exported to ONNX, on channels-last inputs and after convolutions
/// (where the exported graph holds the data channels-first): each runs in ONNX Runtime like <c>Predict</c>.
/// </summary>
public class OnnxLayerExportTests
{
    public static TheoryData<string> Placements => ["input", "after_conv"];

    [Theory]
    [MemberData(nameof(Placements))]
    public void Activation_layers_match_predict(string placement)
    {
        Layer[] layers =
        [
            new ReLU(), new ReLU(maxValue: 0.5), new ReLU(negativeSlope: 0.1), new ReLU(maxValue: 0.8, negativeSlope: 0.2, threshold: 0.3),
            new ReLU(threshold: 0.25), new LeakyReLU(0.3), new ELU(0.7), new Softmax(), new Softmax(axis: 1), new Softmax(axis: 2),
            new Activation("selu"), new Activation("softmax"), new Activation("gelu"),
        ];
        foreach (Layer layer in layers)
        {
            OnnxCheck.RunsLikePredict(Images(placement, layer), X([2, 5, 6, 3], 1));
        }
    }

    [Theory]
    [MemberData(nameof(Placements))]
    public void PReLU_with_and_without_shared_axes_matches_predict(string placement)
    {
        OnnxCheck.RunsLikePredict(Images(placement, new PReLU(new RandomUniform(-0.5, 0.5, seed: 2))), X([2, 5, 6, 3], 3));
        OnnxCheck.RunsLikePredict(Images(placement, new PReLU(new RandomUniform(-0.5, 0.5, seed: 4), sharedAxes: [1, 2])), X([2, 5, 6, 3], 5));
        var vectors = new Sequential([new Dense(4, inputShape: [3], kernelInitializer: new GlorotUniform(6)), new PReLU(new RandomNormal(stddev: 0.5, seed: 7))]);
        OnnxCheck.RunsLikePredict(vectors, X([5, 3], 8));
    }

    [Theory]
    [MemberData(nameof(Placements))]
    public void Padding_cropping_and_upsampling_match_predict(string placement)
    {
        Layer[] layers =
        [
            new ZeroPadding2D(((1, 2), (3, 0))), new ZeroPadding2D(1), new Cropping2D(((1, 0), (2, 1))), new Cropping2D(((0, 2), (0, 0))),
            new UpSampling2D((2, 3)), new UpSampling2D(2), new SpatialDropout2D(0.5, seed: 9), new Dropout(0.5f, seed: 10),
        ];
        foreach (Layer layer in layers)
        {
            global::Onnx.ModelProto proto = OnnxCheck.RunsLikePredict(Images(placement, layer), X([2, 5, 6, 3], 11));
            // These layers act on the spatial axes wherever the graph holds them: no transpose of their own.
            Assert.Equal(placement == "input" ? 0 : 2, OnnxCheck.Count(proto, "Transpose"));
        }
    }

    [Fact]
    public void Flatten_and_reshape_after_convolutions_read_channels_last_order()
    {
        var model = new Sequential([
            new Conv2D(3, 2, kernelInitializer: new GlorotUniform(12), biasInitializer: new RandomNormal(seed: 13), inputShape: [4, 5, 2]),
            new Reshape([4, -1]),
            new Dense(3, kernelInitializer: new GlorotUniform(14)),
            new Flatten(),
            new Dense(2, kernelInitializer: new GlorotUniform(15)),
        ]);
        OnnxCheck.RunsLikePredict(model, X([3, 4, 5, 2], 16));
        var dense = new Sequential([new Conv2D(3, 2, kernelInitializer: new GlorotUniform(17), inputShape: [4, 5, 2]), new Dense(4, activation: "softmax")]);
        OnnxCheck.RunsLikePredict(dense, X([3, 4, 5, 2], 18));
    }

    // The layer on the images themselves, or after a convolution (so that it reads channels-first data in the graph).
    private static Sequential Images(string placement, Layer layer) => placement == "input"
        ? new Sequential([new InputLayer([5, 6, 3]), layer])
        : new Sequential([new Conv2D(3, 1, kernelInitializer: new GlorotUniform(20), biasInitializer: new RandomNormal(seed: 21), inputShape: [5, 6, 3]), layer]);

    private static Tensor X(int[] shape, int seed) => Support.TestData.Uniform(shape, -1f, 1f, seed);
}
