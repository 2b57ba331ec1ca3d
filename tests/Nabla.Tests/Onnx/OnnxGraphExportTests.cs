using Microsoft.ML.OnnxRuntime;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Onnx;
using Nabla.Tests.Support;

namespace Nabla.Tests.Onnx;

/// <summary>
/// Functional graphs exported to ONNX: branches, several inputs and outputs named after the model's input and output
/// layers, shared layers, nested models, and every merge layer, each compared with <c>Predict</c> in ONNX Runtime.
/// </summary>
public class OnnxGraphExportTests
{
    [Fact]
    public void A_two_input_two_output_model_with_add_and_concatenate_matches_predict()
    {
        var image = new Input(shape: [6, 6, 2], name: "image");
        var hint = new Input(shape: [5], name: "hint");
        KerasTensor a = new Conv2D(4, 3, padding: "same", activation: "relu", kernelInitializer: new GlorotUniform(1), biasInitializer: Bias(2)).Apply(image);
        KerasTensor b = new Conv2D(4, 1, kernelInitializer: new GlorotUniform(3)).Apply(image);
        KerasTensor sum = new Add().Apply([a, b]);
        KerasTensor pooled = new GlobalAveragePooling2D().Apply(sum);
        KerasTensor merged = new Concatenate().Apply([pooled, new Dense(3, activation: "tanh", kernelInitializer: new GlorotUniform(4)).Apply(hint)]);
        KerasTensor classes = new Dense(3, activation: "softmax", kernelInitializer: new GlorotUniform(5), name: "classes").Apply(merged);
        KerasTensor map = new Conv2D(1, 3, padding: "same", kernelInitializer: new GlorotUniform(6), name: "map").Apply(sum);
        var model = new Model([image, hint], [classes, map], name: "two_way");

        global::Onnx.ModelProto proto = OnnxCheck.RunsLikePredict(model, X([4, 6, 6, 2], 7), X([4, 5], 8));
        Assert.Equal(["image", "hint"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(["classes", "map"], proto.Graph.Output.Select(o => o.Name));
        Assert.Equal([-1L, 6, 6, 1], proto.Graph.Output[1].Type.TensorType.Shape.Dim.Select(d => d.DimParam == "batch" ? -1 : d.DimValue));
    }

    public static TheoryData<string> MergeKinds => ["add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate_last", "concatenate_rows"];

    [Theory]
    [MemberData(nameof(MergeKinds))]
    public void Merge_layers_on_convolution_branches_and_on_vectors_match_predict(string kind)
    {
        // Image branches (channels-first in the graph), an image branch with the raw input (channels-last), and vectors.
        var input = new Input(shape: [5, 4, 3], name: "x");
        KerasTensor c1 = new Conv2D(3, 3, padding: "same", kernelInitializer: new GlorotUniform(9), biasInitializer: Bias(10)).Apply(input);
        KerasTensor c2 = new Conv2D(3, 1, kernelInitializer: new GlorotUniform(11)).Apply(input);
        KerasTensor convs = Merge(kind, 12).Apply([c1, c2]);
        KerasTensor mixed = Merge(kind, 13).Apply([c1, input]);
        var model = new Model([input], [convs, mixed]);
        OnnxCheck.RunsLikePredict(model, X([3, 5, 4, 3], 14));

        if (kind is not "subtract" and not "concatenate_rows")
        {
            var v = new Input(shape: [4], name: "v");
            Layer merge = Merge(kind, 15);
            KerasTensor three = merge.Apply([new Dense(4, kernelInitializer: new GlorotUniform(16)).Apply(v), v, new Dense(4, activation: "relu", kernelInitializer: new GlorotUniform(17)).Apply(v)]);
            OnnxCheck.RunsLikePredict(new Model(v, three), X([5, 4], 18));
        }
    }

    [Fact]
    public void Merging_inputs_of_different_ranks_inserts_axes_after_the_batch_axis()
    {
        var image = new Input(shape: [4, 5, 3], name: "image");
        var bias = new Input(shape: [3], name: "bias");
        KerasTensor conv = new Conv2D(3, 3, padding: "same", kernelInitializer: new GlorotUniform(19)).Apply(image);
        var model = new Model([image, bias], [new Add().Apply([conv, bias]), new Multiply().Apply([bias, image])]);
        OnnxCheck.RunsLikePredict(model, X([2, 4, 5, 3], 20), X([2, 3], 21));
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(1, 2, true)]
    [InlineData(2, 1, false)]
    [InlineData(2, 2, true)]
    [InlineData(-1, -2, false)]
    public void Dot_of_sequences_matches_predict(int axisX, int axisY, bool normalize)
    {
        var s = new Input(shape: [4, 4], name: "s");
        var t = new Input(shape: [4, 4], name: "t");
        OnnxCheck.RunsLikePredict(new Model([s, t], [new Dot([axisX, axisY], normalize).Apply([s, t])]), X([2, 4, 4], 22), X([2, 4, 4], 23));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dot_of_vectors_and_of_a_sequence_with_a_vector_matches_predict(bool normalize)
    {
        var a = new Input(shape: [4], name: "a");
        var b = new Input(shape: [4], name: "b");
        OnnxCheck.RunsLikePredict(new Model([a, b], [new Dot(1, normalize).Apply([a, b])]), X([3, 4], 24), X([3, 4], 25));
        var s = new Input(shape: [4, 3], name: "s");
        OnnxCheck.RunsLikePredict(new Model([s, a], [new Dot([1, 1], normalize).Apply([s, a])]), X([3, 4, 3], 26), X([3, 4], 27));
        OnnxCheck.RunsLikePredict(new Model([a, s], [new Dot([-1, 1], normalize).Apply([a, s])]), X([3, 4], 28), X([3, 4, 3], 29));
    }

    [Fact]
    public void Shared_layers_and_nested_models_export_once_per_call()
    {
        var trunk = new Sequential([
            new Conv2D(4, 3, padding: "same", activation: "relu", kernelInitializer: new GlorotUniform(28), inputShape: [6, 6, 1]),
            new MaxPooling2D(2),
            new Flatten(),
        ], name: "trunk");
        var left = new Input(shape: [6, 6, 1], name: "left");
        var right = new Input(shape: [6, 6, 1], name: "right");
        var shared = new Dense(5, activation: "relu", kernelInitializer: new GlorotUniform(29), name: "shared");
        KerasTensor l = shared.Apply(trunk.Apply(left)), r = shared.Apply(trunk.Apply(right));
        KerasTensor distance = new Subtract().Apply([l, r]);
        var model = new Model([left, right], [new Dense(1, activation: "sigmoid", kernelInitializer: new GlorotUniform(30), name: "same").Apply(distance)], name: "siamese");

        global::Onnx.ModelProto proto = OnnxCheck.RunsLikePredict(model, X([3, 6, 6, 1], 31), X([3, 6, 6, 1], 32));
        Assert.Equal(2, OnnxCheck.Count(proto, "Conv"));
        // The trunk's kernel, the shared kernel and the output kernel, each stored once.
        Assert.Equal(3, proto.Graph.Initializer.Count(i => i.Name.EndsWith("/kernel", StringComparison.Ordinal)));
        Assert.Single(proto.Graph.Initializer, i => i.Name == "shared/kernel");
    }

    [Fact]
    public void Lambda_layers_custom_layers_and_overridden_call_are_refused_by_name()
    {
        using var dir = new TempFolder();
        var withLambda = new Sequential([new Dense(3, inputShape: [2]), new Lambda(x => Ops.Multiply(x, x), name: "square")]);
        AssertEx.Throws<NotSupportedException>(() => withLambda.ExportOnnx(dir.File("l.onnx")), "layer 'square'", "runs a C# function", "Replace the Lambda");
        var custom = new Sequential([new Dense(3, inputShape: [2]), new Doubler()]);
        AssertEx.Throws<NotSupportedException>(() => custom.ExportOnnx(dir.File("c.onnx")), "layer 'doubler' (Doubler) has no ONNX form", "Exported layers:");
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Sequential_inputs_and_outputs_are_named_after_the_input_layer_and_the_last_layer()
    {
        using var dir = new TempFolder();
        string path = dir.File("m.onnx");
        new Sequential([new InputLayer([3], name: "pixels"), new Dense(2, name: "scores")]).ExportOnnx(path);
        using var session = new InferenceSession(path);
        Assert.Equal(["pixels"], session.InputNames);
        Assert.Equal(["scores"], session.OutputNames);
    }

    private static Layer Merge(string kind, int seed) => kind switch
    {
        "add" => new Add(),
        "subtract" => new Subtract(),
        "multiply" => new Multiply(),
        "average" => new Average(),
        "maximum" => new Maximum(),
        "minimum" => new Minimum(),
        "concatenate_last" => new Concatenate(),
        "concatenate_rows" => new Concatenate(axis: 1),
        _ => throw new ArgumentException($"unknown merge {kind} (seed {seed})"),
    };

    private static RandomNormal Bias(int seed) => new(stddev: 0.3, seed: seed);

    private static Tensor X(int[] shape, int seed) => TestData.Uniform(shape, -1f, 1f, seed);

    /// <summary>A custom layer: C# code the exporter cannot translate.</summary>
    private sealed class Doubler : Layer
    {
        public Doubler()
            : base("doubler")
        {
        }

        protected override Tensor Call(Tensor inputs, bool training) => Ops.Multiply(inputs, 2f);

        public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();
    }
}
