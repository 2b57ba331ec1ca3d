using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Nabla.Onnx;
using Nabla.Tests.Support;

namespace Nabla.Tests.Onnx;

/// <summary>Exports a model, runs the file in ONNX Runtime and compares every output with <c>Predict</c>.</summary>
internal static class OnnxCheck
{
    /// <summary>
    /// Runs the exported model on <paramref name="inputs"/> (one per model input, fed by the names the file declares, which
    /// are a functional model's input layer names), and checks each output (named after its output layers) against
    /// <c>Predict</c>, shape and values to 1e-5.
    /// </summary>
    /// <returns>The exported graph, for checks of its nodes.</returns>
    public static global::Onnx.ModelProto RunsLikePredict(Model model, params Tensor[] inputs)
    {
        using var dir = new TempFolder();
        string path = dir.File("model.onnx");
        model.ExportOnnx(path);
        Tensor[] expected = model.Predict(inputs, verbose: 0);

        using var session = new InferenceSession(path);
        if (model.Graph is not null)
        {
            Assert.Equal(model.InputNames, session.InputNames);
            Assert.Equal(model.OutputNames, session.OutputNames);
        }

        NamedOnnxValue[] feeds = [.. inputs.Select((x, i) => NamedOnnxValue.CreateFromTensor(session.InputNames[i], new DenseTensor<float>(x.ToArray(), x.Shape)))];
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(feeds);
        Assert.Equal(expected.Length, results.Count);
        for (int o = 0; o < expected.Length; o++)
        {
            Tensor<float> actual = results.Single(r => r.Name == session.OutputNames[o]).AsTensor<float>();
            Assert.Equal(expected[o].Shape, actual.Dimensions.ToArray());
            float[] values = actual.ToArray();
            AssertEx.Close(Tensor.FromArray(expected[o].ToArray(), values.Length), Tensor.FromArray(values, values.Length), atol: 1e-5, rtol: 1e-5);
        }

        return global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
    }

    /// <summary>The operator types of the graph's nodes, in order.</summary>
    public static string[] Ops(global::Onnx.ModelProto proto) => [.. proto.Graph.Node.Select(n => n.OpType)];

    /// <summary>How many nodes of type <paramref name="op"/> the graph has.</summary>
    public static int Count(global::Onnx.ModelProto proto, string op) => proto.Graph.Node.Count(n => n.OpType == op);
}
