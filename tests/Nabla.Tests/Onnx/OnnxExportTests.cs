using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Onnx;
using Nabla.Tests.Saving;
using Nabla.Tests.Support;

namespace Nabla.Tests.Onnx;

/// <summary>Every exported model runs in ONNX Runtime and gives what <c>Predict</c> gives, to 1e-5.</summary>
public class OnnxExportTests
{
    public static TheoryData<string> Activations => ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "leaky_relu", "softplus", "swish"];

    [Theory]
    [MemberData(nameof(Activations))]
    public void Dense_with_each_fused_activation_matches_predict(string activation)
    {
        var model = new Sequential([
            new Dense(7, activation: activation, inputShape: [5], kernelInitializer: new GlorotUniform(1), biasInitializer: new RandomNormal(seed: 2)),
            new Dense(3, activation: activation, useBias: false, kernelInitializer: new GlorotUniform(3)),
        ]);
        AssertRunsLikePredict(model, SavingFixtures.X([9, 5], 4));
    }

    [Fact]
    public void Every_existing_layer_kind_in_a_sequential_model_matches_predict()
    {
        Sequential model = SavingFixtures.Mlp(seed: 6);   // Flatten, Dense, Dropout, Dense, Reshape, Activation(gelu), Flatten, Dense(softmax)
        model.Fit(SavingFixtures.X([16, 4, 3], 1), SavingFixtures.Labels(16, 3), epochs: 1, batchSize: 8, verbose: 0);
        AssertRunsLikePredict(model, SavingFixtures.X([5, 4, 3], 2));
    }

    [Fact]
    public void Channels_last_images_keep_keras_flatten_order()
    {
        // [batch, 4, 4, 3] → Flatten → Dense: the kernel rows follow H, W, C as in Keras; a channels-first
        // flatten would permute them and change every output.
        var model = new Sequential([
            new Reshape([4, 4, 3], inputShape: [48]),
            new Activation("tanh"),
            new Flatten(),
            new Dense(6, activation: "softmax", kernelInitializer: new GlorotUniform(7)),
        ]);
        AssertRunsLikePredict(model, SavingFixtures.X([3, 48], 5));
        var images = new Sequential([new Flatten(inputShape: [4, 4, 3]), new Dense(5, kernelInitializer: new GlorotUniform(8))]);
        AssertRunsLikePredict(images, SavingFixtures.X([2, 4, 4, 3], 6));
    }

    [Fact]
    public void Dense_on_a_rank_3_input_and_functional_and_nested_models_match_predict()
    {
        var sequence = new Sequential([new Dense(4, activation: "relu", inputShape: [6, 3], kernelInitializer: new GlorotUniform(9)), new Dense(2)]);
        AssertRunsLikePredict(sequence, SavingFixtures.X([4, 6, 3], 7));

        Model functional = SavingFixtures.Functional(seed: 10);
        AssertRunsLikePredict(functional, SavingFixtures.X([6, 6], 8));

        var outer = new Sequential([new InputLayer([6]), SavingFixtures.Functional(seed: 11), new Activation("sigmoid")]);
        AssertRunsLikePredict(outer, SavingFixtures.X([3, 6], 9));
    }

    [Fact]
    public void The_file_declares_opset_17_and_channels_last_edges()
    {
        using var dir = new TempFolder();
        string path = dir.File("m.onnx");
        new Sequential([new Flatten(inputShape: [28, 28, 1]), new Dense(10, activation: "softmax")]).ExportOnnx(path);
        using var session = new InferenceSession(path);
        NodeMetadata input = session.InputMetadata.Values.Single(), output = session.OutputMetadata.Values.Single();
        Assert.Equal([-1, 28, 28, 1], input.Dimensions);
        Assert.Equal([-1, 10], output.Dimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);
        Assert.Equal("Nabla", session.ModelMetadata.ProducerName);
        global::Onnx.ModelProto proto = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal((8L, "", 17L), (proto.IrVersion, proto.OpsetImport.Single().Domain, proto.OpsetImport.Single().Version));
        Assert.Equal(["Reshape", "Gemm", "Softmax", "Identity"], proto.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Unsupported_layers_and_custom_activations_are_named()
    {
        using var dir = new TempFolder();
        var custom = new Sequential([new Dense(3, activation: new ActivationFunction("cube", x => Ops.Multiply(Ops.Multiply(x, x), x)), inputShape: [2])]);
        AssertEx.Throws<NotSupportedException>(() => custom.ExportOnnx(dir.File("c.onnx")), "custom activation 'cube'", "'dense");
        AssertEx.Throws<InvalidOperationException>(() => new Sequential([new Dense(3)]).ExportOnnx(dir.File("u.onnx")), "is not built yet");
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    private static void AssertRunsLikePredict(Model model, Tensor x)
    {
        using var dir = new TempFolder();
        string path = dir.File("model.onnx");
        model.ExportOnnx(path);
        float[] expected = model.Predict(x, verbose: 0).ToArray();

        using var session = new InferenceSession(path);
        string inputName = session.InputMetadata.Keys.Single();
        var input = new DenseTensor<float>(x.ToArray(), x.Shape);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, input)]);
        Tensor<float> output = results.Single().AsTensor<float>();
        float[] actual = output.ToArray();
        Assert.Equal(model.Predict(x, verbose: 0).Shape, output.Dimensions.ToArray());
        AssertEx.Close(Tensor.FromArray(expected, expected.Length), Tensor.FromArray(actual, actual.Length), atol: 1e-5, rtol: 1e-5);
    }
}
