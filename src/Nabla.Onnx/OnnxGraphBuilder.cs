using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Layers;
using Onnx;

namespace Nabla.Onnx;

/// <summary>Translates a model's layers into an ONNX graph, one layer at a time, channels-last throughout.</summary>
internal sealed class OnnxGraphBuilder
{
    // Keras's SELU constants (keras.activations.selu), written explicitly rather than relying on ONNX's float defaults.
    private const float SeluAlpha = 1.6732632423543772f;
    private const float SeluScale = 1.0507009873554805f;

    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int[] _shape = [];

    private OnnxGraphBuilder()
    {
    }

    /// <summary>The serialized ONNX model of <paramref name="model"/>.</summary>
    public static byte[] Build(Model model)
    {
        if (!model.IsBuilt || model.DeclaredInputShape is not int[] inputShape)
        {
            throw new InvalidOperationException(
                $"ExportOnnx: model '{model.Name}' is not built yet, so its input shape and weights are unknown. Give its first layer an inputShape " +
                "(or start it with new Input(...)), or call it on data first.");
        }

        var builder = new OnnxGraphBuilder();
        return builder.Export(model, inputShape).ToByteArray();
    }

    private ModelProto Export(Model model, int[] inputShape)
    {
        _graph.Name = model.Name;
        string input = Unique("input");
        _graph.Input.Add(ValueInfo(input, inputShape));
        _shape = (int[])inputShape.Clone();
        string current = AddLayers(model, input);
        string output = Unique("output");
        Node("Identity", [current], output, "output");
        _graph.Output.Add(ValueInfo(output, _shape));
        var proto = new ModelProto
        {
            IrVersion = 8,   // the IR version of opset 17 (ONNX 1.12)
            ProducerName = "Nabla",
            ProducerVersion = typeof(Model).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph,
            DocString = $"Exported by Nabla from model '{model.Name}'; inputs and outputs are channels-last, as in Keras.",
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OnnxExport.Opset });
        return proto;
    }

    private string AddLayers(Model model, string x)
    {
        if (model.Graph is { IsChain: false })
        {
            throw new NotSupportedException(
                $"ExportOnnx: model '{model.Name}' is a functional graph with branches, several inputs or outputs, or shared layers; " +
                "this version exports chains of layers only.");
        }

        foreach (Layer layer in model.AllLayers)
        {
            x = layer switch
            {
                Model inner => AddLayers(inner, x),
                InputLayer => x,
                Dense dense => AddDense(dense, x),
                Activation activation => AddActivation(activation.Function, x, layer.Name),
                Dropout => Node("Identity", [x], Unique($"{layer.Name}/identity"), layer.Name),
                Flatten => AddReshape(layer, x, [_shape.Skip(1).Aggregate(1, (p, d) => d < 0 || p < 0 ? -1 : p * d)]),
                Reshape reshape => AddReshape(layer, x, reshape.TargetShape),
                _ => throw new NotSupportedException(
                    $"ExportOnnx: layer {layer} has no ONNX form in this version (exported: InputLayer, Dense, Activation, Dropout, Flatten, Reshape, nested models)."),
            };
            if (layer is not Model and not InputLayer)
            {
                _shape = layer.ComputeOutputShape(_shape);
            }
        }

        return x;
    }

    private string AddDense(Dense dense, string x)
    {
        string kernel = Initializer($"{dense.Name}/kernel", dense.Kernel!.Value);
        string? bias = dense.Bias is { } b ? Initializer($"{dense.Name}/bias", b.Value) : null;
        string y;
        if (_shape.Length == 2)
        {
            // Gemm: x [batch, in] · kernel [in, units] + bias, exactly Keras's Dense on 2-D input.
            y = Node("Gemm", bias is null ? [x, kernel] : [x, kernel, bias], Unique($"{dense.Name}/gemm"), dense.Name);
        }
        else
        {
            y = Node("MatMul", [x, kernel], Unique($"{dense.Name}/matmul"), dense.Name);
            if (bias is not null)
            {
                y = Node("Add", [y, bias], Unique($"{dense.Name}/bias_add"), dense.Name);
            }
        }

        return AddActivation(dense.Activation, y, dense.Name);
    }

    private string AddActivation(ActivationFunction f, string x, string scope)
    {
        if (f.Descriptor is not ActivationDescriptor d)
        {
            throw new NotSupportedException(
                $"ExportOnnx: the custom activation '{f.Name}' (in '{scope}') is a C# function and has no ONNX form; use a built-in activation to export.");
        }

        if (d.IsLinear)
        {
            return x;
        }

        string Out(string op) => Unique($"{scope}/{op}");
        switch (d.Kernel)
        {
            case "relu":
                return Node("Relu", [x], Out("relu"), scope);
            case "sigmoid":
                return Node("Sigmoid", [x], Out("sigmoid"), scope);
            case "tanh":
                return Node("Tanh", [x], Out("tanh"), scope);
            case "softmax":
                return Node("Softmax", [x], Out("softmax"), scope, Attr("axis", -1));
            case "elu":
                return Node("Elu", [x], Out("elu"), scope, Attr("alpha", d.Parameter));
            case "selu":
                return Node("Selu", [x], Out("selu"), scope, Attr("alpha", SeluAlpha), Attr("gamma", SeluScale));
            case "leaky_relu":
                return Node("LeakyRelu", [x], Out("leaky_relu"), scope, Attr("alpha", d.Parameter));
            case "softplus":
                return Node("Softplus", [x], Out("softplus"), scope);
            case "swish":
                {
                    string s = Node("Sigmoid", [x], Out("sigmoid"), scope);
                    return Node("Mul", [x, s], Out("swish"), scope);
                }

            case "gelu":
                {
                    // Exact GELU, as Keras's default: 0.5·x·(1 + erf(x/√2)). Opset 17 has no Gelu operator (it came in 20).
                    string scaled = Node("Mul", [x, Scalar($"{scope}/inv_sqrt2", (float)(1.0 / Math.Sqrt(2.0)))], Out("gelu_scaled"), scope);
                    string erf = Node("Erf", [scaled], Out("gelu_erf"), scope);
                    string plus = Node("Add", [erf, Scalar($"{scope}/one", 1f)], Out("gelu_plus_one"), scope);
                    string times = Node("Mul", [x, plus], Out("gelu_times_x"), scope);
                    return Node("Mul", [times, Scalar($"{scope}/half", 0.5f)], Out("gelu"), scope);
                }

            case "gelu_tanh":
                {
                    // GELU's tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
                    string cube = Node("Mul", [Node("Mul", [x, x], Out("gelu_sq"), scope), x], Out("gelu_cube"), scope);
                    string inner = Node("Add", [x, Node("Mul", [cube, Scalar($"{scope}/c", 0.044715f)], Out("gelu_cx3"), scope)], Out("gelu_inner"), scope);
                    string t = Node("Tanh", [Node("Mul", [inner, Scalar($"{scope}/k", (float)Math.Sqrt(2.0 / Math.PI))], Out("gelu_scaled"), scope)], Out("gelu_tanh"), scope);
                    string plus = Node("Add", [t, Scalar($"{scope}/one", 1f)], Out("gelu_plus_one"), scope);
                    string times = Node("Mul", [x, plus], Out("gelu_times_x"), scope);
                    return Node("Mul", [times, Scalar($"{scope}/half", 0.5f)], Out("gelu"), scope);
                }

            default:
                throw new NotSupportedException($"ExportOnnx: activation '{f.Name}' (in '{scope}') has no ONNX form in this version.");
        }
    }

    // ONNX Reshape with the batch axis copied (0 means "keep this axis"); on channels-last data this is Keras's
    // row-major Flatten/Reshape order exactly.
    private string AddReshape(Layer layer, string x, int[] target)
    {
        var shape = new TensorProto { Name = Unique($"{layer.Name}/shape"), DataType = (int)TensorProto.Types.DataType.Int64 };
        shape.Dims.Add(target.Length + 1);
        shape.Int64Data.Add(0);
        shape.Int64Data.AddRange(target.Select(d => (long)d));
        _graph.Initializer.Add(shape);
        return Node("Reshape", [x, shape.Name], Unique($"{layer.Name}/reshape"), layer.Name);
    }

    private string Node(string op, string[] inputs, string output, string scope, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique($"{scope}/{op}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    private string Initializer(string name, Tensor value)
    {
        var t = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(value.Shape.Select(d => (long)d));
        float[] data = value.ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            t.FloatData.AddRange(data);
        }
        else
        {
            t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));   // ONNX raw data is little-endian
        }

        _graph.Initializer.Add(t);
        return t.Name;
    }

    private string Scalar(string name, float value)
    {
        var t = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        t.FloatData.Add(value);
        _graph.Initializer.Add(t);
        return t.Name;
    }

    private static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static ValueInfoProto ValueInfo(string name, int[] shape)
    {
        var tensorShape = new TensorShapeProto();
        for (int i = 0; i < shape.Length; i++)
        {
            tensorShape.Dim.Add(shape[i] < 0
                ? new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "batch" : $"d{i}" }
                : new TensorShapeProto.Types.Dimension { DimValue = shape[i] });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int i = 1; !_names.Add(candidate); i++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{name}_{i}");
        }

        return candidate;
    }
}
