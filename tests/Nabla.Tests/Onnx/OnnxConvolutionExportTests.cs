using Nabla.Initializers;
using Nabla.Layers;

namespace Nabla.Tests.Onnx;

/// <summary>
/// Convolution, pooling and BatchNormalization layers exported to ONNX: each option (paddings, strides, dilation,
/// groups, depth multiplier, causal padding, pool sizes that do not divide the input) runs in ONNX Runtime like
/// <c>Predict</c>, on channels-last inputs and outputs.
/// </summary>
public class OnnxConvolutionExportTests
{
    private static readonly int[] Image = [7, 9, 4];   // odd lengths: "same" padding is asymmetric with strides

    [Theory]
    [InlineData(3, 3, 1, 1, "valid", 1, 1, 1)]
    [InlineData(3, 3, 1, 1, "same", 1, 1, 1)]
    [InlineData(3, 3, 2, 2, "same", 1, 1, 1)]
    [InlineData(2, 2, 2, 2, "same", 1, 1, 1)]
    [InlineData(3, 5, 2, 3, "valid", 1, 1, 1)]
    [InlineData(4, 2, 3, 2, "same", 1, 1, 1)]
    [InlineData(3, 3, 1, 1, "same", 2, 2, 1)]
    [InlineData(2, 3, 1, 1, "valid", 2, 1, 1)]
    [InlineData(3, 3, 1, 1, "same", 1, 1, 2)]
    [InlineData(1, 1, 2, 2, "valid", 1, 1, 4)]
    public void Conv2D_matches_predict(int kh, int kw, int sh, int sw, string padding, int dh, int dw, int groups)
    {
        var model = new Sequential([
            new Conv2D(8, (kh, kw), strides: (sh, sw), padding: padding, dilationRate: (dh, dw), groups: groups, activation: "relu",
                kernelInitializer: new GlorotUniform(1), biasInitializer: Bias(2), inputShape: Image),
        ]);
        OnnxCheck.RunsLikePredict(model, X([3, .. Image], 3));
    }

    [Fact]
    public void Same_padding_is_written_as_tensorflows_asymmetric_explicit_pads()
    {
        var model = new Sequential([new Conv2D(2, 2, strides: 2, padding: "same", inputShape: [5, 6, 1], kernelInitializer: new GlorotUniform(4))]);
        global::Onnx.ModelProto proto = OnnxCheck.RunsLikePredict(model, X([2, 5, 6, 1], 5));
        global::Onnx.NodeProto conv = proto.Graph.Node.Single(n => n.OpType == "Conv");
        // Rows: 5 → 3 outputs need 1 padded row, at the bottom; columns: 6 → 3 outputs need none.
        Assert.Equal([0L, 0, 1, 0], conv.Attribute.Single(a => a.Name == "pads").Ints);
        Assert.DoesNotContain(conv.Attribute, a => a.Name == "auto_pad");
    }

    [Fact]
    public void Unknown_spatial_lengths_export_with_same_padding_and_strides()
    {
        var input = new Input(shape: [-1, -1, 3], name: "any_size");
        KerasTensor h = new Conv2D(4, 3, strides: 2, padding: "same", kernelInitializer: new GlorotUniform(6), biasInitializer: Bias(7)).Apply(input);
        h = new Conv2D(4, 3, padding: "same", kernelInitializer: new GlorotUniform(8)).Apply(h);
        h = new MaxPooling2D(3, strides: 2, padding: "same").Apply(h);
        h = new AveragePooling2D(2, padding: "same").Apply(h);
        var model = new Model(input, new GlobalAveragePooling2D().Apply(h));
        OnnxCheck.RunsLikePredict(model, X([2, 9, 7, 3], 9));
        OnnxCheck.RunsLikePredict(model, X([1, 6, 11, 3], 10));
    }

    [Theory]
    [InlineData(3, 1, "valid", 1, 1)]
    [InlineData(3, 1, "same", 1, 1)]
    [InlineData(4, 2, "same", 1, 1)]
    [InlineData(3, 1, "causal", 1, 1)]
    [InlineData(3, 1, "causal", 2, 1)]
    [InlineData(2, 1, "same", 3, 2)]
    public void Conv1D_matches_predict(int kernel, int strides, string padding, int dilation, int groups)
    {
        var model = new Sequential([
            new Conv1D(6, kernel, strides: strides, padding: padding, dilationRate: dilation, groups: groups, activation: "tanh",
                kernelInitializer: new GlorotUniform(11), biasInitializer: Bias(12), inputShape: [11, 4]),
        ]);
        OnnxCheck.RunsLikePredict(model, X([3, 11, 4], 13));
    }

    [Theory]
    [InlineData(1, "valid", 1, 1)]
    [InlineData(2, "same", 1, 1)]
    [InlineData(2, "same", 2, 1)]
    [InlineData(2, "valid", 1, 2)]
    public void DepthwiseConv2D_matches_predict(int multiplier, string padding, int strides, int dilation)
    {
        var model = new Sequential([
            new DepthwiseConv2D(3, strides: strides, padding: padding, depthMultiplier: multiplier, dilationRate: dilation, activation: "elu",
                depthwiseInitializer: new GlorotUniform(14), biasInitializer: Bias(15), inputShape: Image),
        ]);
        OnnxCheck.RunsLikePredict(model, X([2, .. Image], 16));
    }

    [Theory]
    [InlineData(1, "valid", 1)]
    [InlineData(2, "same", 2)]
    public void SeparableConv2D_matches_predict(int multiplier, string padding, int strides)
    {
        var model = new Sequential([
            new SeparableConv2D(5, (3, 2), strides: strides, padding: padding, depthMultiplier: multiplier, activation: "relu",
                depthwiseInitializer: new GlorotUniform(17), pointwiseInitializer: new GlorotUniform(18), biasInitializer: Bias(19), inputShape: Image),
        ]);
        OnnxCheck.RunsLikePredict(model, X([2, .. Image], 20));
    }

    [Theory]
    [InlineData(3, 1, "valid", 1)]
    [InlineData(3, 2, "valid", 1)]
    [InlineData(3, 2, "same", 1)]
    [InlineData(4, 2, "same", 1)]
    [InlineData(2, 3, "same", 1)]
    [InlineData(1, 2, "valid", 1)]
    [InlineData(1, 3, "same", 1)]
    [InlineData(3, 1, "same", 2)]
    public void Conv2DTranspose_follows_keras_output_size_rule(int kernel, int strides, string padding, int dilation)
    {
        var model = new Sequential([
            new Conv2DTranspose(3, kernel, strides: strides, padding: padding, dilationRate: dilation, activation: "sigmoid",
                kernelInitializer: new GlorotUniform(21), biasInitializer: Bias(22), inputShape: [4, 5, 2]),
        ]);
        OnnxCheck.RunsLikePredict(model, X([2, 4, 5, 2], 23));
    }

    [Theory]
    [InlineData("max", 3, 3, "valid")]   // 3 does not divide 7 or 9
    [InlineData("max", 2, 2, "same")]
    [InlineData("max", 3, 2, "same")]
    [InlineData("average", 3, 2, "valid")]
    [InlineData("average", 2, 2, "same")]   // the padded positions stay out of the average
    [InlineData("average", 3, 1, "same")]
    public void Pooling2D_matches_predict(string kind, int size, int strides, string padding)
    {
        Layer pool = kind == "max"
            ? new MaxPooling2D(size, strides: strides, padding: padding, inputShape: Image)
            : new AveragePooling2D(size, strides: strides, padding: padding, inputShape: Image);
        OnnxCheck.RunsLikePredict(new Sequential([pool]), X([2, .. Image], 24));
        Layer rect = kind == "max" ? new MaxPooling2D((2, 3), padding: padding, inputShape: Image) : new AveragePooling2D((2, 3), padding: padding, inputShape: Image);
        OnnxCheck.RunsLikePredict(new Sequential([rect]), X([2, .. Image], 25));
    }

    [Theory]
    [InlineData(2, null, "valid")]
    [InlineData(3, 2, "valid")]
    [InlineData(3, 2, "same")]
    public void MaxPooling1D_matches_predict(int size, int? strides, string padding)
    {
        var model = new Sequential([new MaxPooling1D(size, strides, padding, inputShape: [11, 3])]);
        OnnxCheck.RunsLikePredict(model, X([3, 11, 3], 26));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Global_pooling_after_convolutions_matches_predict(bool keepdims)
    {
        foreach (Layer pool in new Layer[] { new GlobalAveragePooling2D(keepdims), new GlobalMaxPooling2D(keepdims) })
        {
            var model = new Sequential([new Conv2D(5, 3, padding: "same", kernelInitializer: new GlorotUniform(27), inputShape: Image), pool]);
            OnnxCheck.RunsLikePredict(model, X([2, .. Image], 28));
        }
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void BatchNormalization_uses_its_moving_statistics_and_epsilon(bool center, bool scale)
    {
        // Small variances and a large epsilon: an epsilon other than the layer's would change every output.
        BatchNormalization Bn() => new(epsilon: 0.05, center: center, scale: scale, betaInitializer: new RandomNormal(stddev: 0.5, seed: 29),
            gammaInitializer: new RandomUniform(0.5, 1.5, seed: 30), movingMeanInitializer: new RandomNormal(stddev: 0.5, seed: 31),
            movingVarianceInitializer: new RandomUniform(0.01, 0.3, seed: 32));
        var images = new Sequential([new Conv2D(6, 3, kernelInitializer: new GlorotUniform(33), inputShape: Image), Bn(), new ReLU()]);
        OnnxCheck.RunsLikePredict(images, X([2, .. Image], 34));
        var vectors = new Sequential([new Dense(5, kernelInitializer: new GlorotUniform(35), inputShape: [4]), Bn()]);
        OnnxCheck.RunsLikePredict(vectors, X([3, 4], 36));
        var sequences = new Sequential([new Conv1D(4, 2, kernelInitializer: new GlorotUniform(37), inputShape: [6, 3]), Bn()]);
        OnnxCheck.RunsLikePredict(sequences, X([3, 6, 3], 38));
    }

    [Fact]
    public void The_issues_cnn_trained_with_batch_normalization_keeps_flatten_order()
    {
        // Conv2D(32, 3, relu, same) → MaxPooling2D(2) → Conv2D(64, 3, relu, same) → MaxPooling2D(2) → Flatten → Dense(128, relu)
        // → Dense(10, softmax), with a BatchNormalization trained for a few steps so its moving statistics are not the initial ones.
        var model = new Sequential([
            new Conv2D(32, 3, activation: "relu", padding: "same", kernelInitializer: new GlorotUniform(40), inputShape: [12, 12, 1]),
            new MaxPooling2D(2),
            new BatchNormalization(momentum: 0.5),
            new Conv2D(64, 3, activation: "relu", padding: "same", kernelInitializer: new GlorotUniform(41)),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(128, activation: "relu", kernelInitializer: new GlorotUniform(42)),
            new Dense(10, activation: "softmax", kernelInitializer: new GlorotUniform(43)),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        model.Fit(X([32, 12, 12, 1], 44), Tensor.FromArray([.. Enumerable.Range(0, 32).Select(i => (float)(i % 10))], 32), epochs: 2, batchSize: 8, verbose: 0);
        var bn = (BatchNormalization)model.Layers[2];
        Assert.DoesNotContain(0f, bn.MovingMean!.Value.ToArray());

        global::Onnx.ModelProto proto = OnnxCheck.RunsLikePredict(model, X([5, 12, 12, 1], 45));
        // One transpose into the convolutions, one back before Flatten; everything between stays channels-first.
        Assert.Equal(2, OnnxCheck.Count(proto, "Transpose"));
        Assert.Equal(["Transpose", "Conv", "Relu", "MaxPool", "BatchNormalization", "Conv", "Relu", "MaxPool", "Transpose", "Reshape", "Gemm", "Relu", "Gemm", "Softmax", "Identity"],
            OnnxCheck.Ops(proto));
    }

    private static RandomNormal Bias(int seed) => new(stddev: 0.3, seed: seed);

    private static Tensor X(int[] shape, int seed) => Support.TestData.Uniform(shape, -1f, 1f, seed);
}
