using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Models;
using Onnx;

namespace Nabla.Onnx;

/// <summary>
/// Translates a model into an ONNX graph, layer call by layer call. Values keep their Keras shapes and carry the order
/// in which ONNX holds their axes (<see cref="OnnxValue.Perm"/>): channels-first operators (Conv, pooling,
/// BatchNormalization) take their input channels-first, layout-free ones (activations, padding, cropping, upsampling,
/// element-wise merges) keep whatever order comes, and layers that read the flat channels-last order (Flatten, Reshape,
/// Dense on images) and the graph's outputs get it back. Transposes are emitted only where the order changes.
/// </summary>
internal sealed partial class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, string Perm), OnnxValue> _transposed = [];
    private readonly Dictionary<(Variable Weight, string Form), string> _weights = [];
    private readonly bool _transposeEveryLayer;

    private OnnxGraphBuilder(bool transposeEveryLayer)
    {
        _transposeEveryLayer = transposeEveryLayer;
    }

    /// <summary>The serialized ONNX model of <paramref name="model"/>.</summary>
    /// <param name="model">A built model.</param>
    /// <param name="transposeEveryLayer">
    /// For measurements only: return every layer's output to channels-last order, so that each channels-first operator
    /// gets its own pair of transposes, instead of keeping runs of them channels-first.
    /// </param>
    public static byte[] Build(Model model, bool transposeEveryLayer = false)
    {
        if (!model.IsBuilt || (model.Graph is null && model.DeclaredInputShape is null))
        {
            throw new InvalidOperationException(
                $"ExportOnnx: model '{model.Name}' is not built yet, so its input shape and weights are unknown. Give its first layer an inputShape " +
                "(or start it with new Input(...)), or call it on data first.");
        }

        return new OnnxGraphBuilder(transposeEveryLayer).Export(model).ToByteArray();
    }

    private ModelProto Export(Model model)
    {
        _graph.Name = model.Name;
        (string Name, int[] Shape)[] inputs = model.Graph is FunctionalGraph g
            ? [.. g.Inputs.Select(i => (i.Layer.Name, i.Shape))]
            : [(model.AllLayers.Count > 0 && model.AllLayers[0] is InputLayer first ? first.Name : "input", model.DeclaredInputShape!)];
        string[] outputNames = model.Graph is not null
            ? model.OutputNames
            : [model.AllLayers.LastOrDefault(l => l is not InputLayer)?.Name ?? "output"];

        var values = new OnnxValue[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            string name = Unique(inputs[i].Name);
            _graph.Input.Add(ValueInfo(name, inputs[i].Shape, name));
            values[i] = new OnnxValue(name, inputs[i].Shape, OnnxValue.ChannelsLast(inputs[i].Shape.Length));
        }

        string[] reserved = [.. outputNames.Select(Unique)];
        OnnxValue[] outputs = AddModel(model, values);
        for (int o = 0; o < outputs.Length; o++)
        {
            OnnxValue y = ToOrder(outputs[o], OnnxValue.ChannelsLast(outputs[o].Rank));
            AddNode("Identity", [y.Name], reserved[o], reserved[o]);
            _graph.Output.Add(ValueInfo(reserved[o], y.Shape, reserved[o]));
        }

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

    // A model's computation from its input values: a functional graph call by call, a Sequential layer by layer.
    private OnnxValue[] AddModel(Model model, OnnxValue[] inputs)
    {
        Type type = model.GetType();
        if (type != typeof(Model) && type != typeof(Sequential) && OverridesCall(type))
        {
            throw new NotSupportedException(
                $"ExportOnnx: model '{model.Name}' ({type.Name}) overrides Call with its own C# code, which has no ONNX form. " +
                "Build it as a Sequential or functional model to export it.");
        }

        if (model.Graph is FunctionalGraph graph)
        {
            CheckInputCount(model, graph.Inputs.Length, inputs.Length);
            var computed = new Dictionary<KerasTensor, OnnxValue>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < inputs.Length; i++)
            {
                computed[graph.Inputs[i]] = inputs[i];
            }

            OnnxValue Visit(KerasTensor t)
            {
                if (!computed.TryGetValue(t, out OnnxValue? value))
                {
                    value = AddLayer(t.Layer, [.. t.InputArray.Select(Visit)]);
                    computed[t] = value;
                }

                return value;
            }

            return [.. graph.Outputs.Select(Visit)];
        }

        CheckInputCount(model, 1, inputs.Length);
        OnnxValue x = inputs[0];
        foreach (Layer layer in model.AllLayers)
        {
            x = AddLayer(layer, [x]);
        }

        return [x];
    }

    private static void CheckInputCount(Model model, int expected, int received)
    {
        if (expected != received)
        {
            throw new NotSupportedException($"ExportOnnx: model '{model.Name}' takes {expected} inputs, but is called on {received} here.");
        }
    }

    private static bool OverridesCall(Type type) =>
        type.GetMethods(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .Any(m => m.Name == "Call" && m.DeclaringType != typeof(Model) && m.DeclaringType != typeof(Layer) && m.DeclaringType != typeof(Sequential));

    // One layer call: its output shape from the layer's own rule, its ONNX nodes from the layer's translation.
    private OnnxValue AddLayer(Layer layer, OnnxValue[] inputs)
    {
        if (layer is Model inner)
        {
            OnnxValue[] outputs = AddModel(inner, inputs);
            return outputs.Length == 1
                ? outputs[0]
                : throw new NotSupportedException($"ExportOnnx: the nested model '{inner.Name}' has {outputs.Length} outputs; a nested model exports with one.");
        }

        int[] shape = inputs.Length == 1 ? layer.ComputeOutputShape(inputs[0].Shape) : layer.ComputeOutputShape([.. inputs.Select(v => v.Shape)]);
        OnnxValue y = Translate(layer, inputs, shape);
        return _transposeEveryLayer ? ToOrder(y, OnnxValue.ChannelsLast(y.Rank)) : y;
    }

    /// <summary>
    /// <paramref name="x"/> with its axes held in <paramref name="perm"/>'s order (a Transpose node when the order
    /// differs; one per value and order, however many layers read it).
    /// </summary>
    private OnnxValue ToOrder(OnnxValue x, int[] perm)
    {
        if (x.Perm.AsSpan().SequenceEqual(perm))
        {
            return x;
        }

        string key = string.Join(',', perm);
        if (!_transposed.TryGetValue((x.Name, key), out OnnxValue? y))
        {
            // Output axis i of the Transpose holds Keras axis perm[i], which the input holds at IndexOf(x.Perm, perm[i]).
            long[] onnxPerm = [.. perm.Select(k => (long)Array.IndexOf(x.Perm, k))];
            string name = AddNode("Transpose", [x.Name], Unique($"{x.Name}/{(OnnxValue.IsIdentity(perm) ? "to_channels_last" : "to_channels_first")}"),
                x.Name, Attr("perm", onnxPerm));
            y = new OnnxValue(name, x.Shape, perm);
            _transposed[(x.Name, key)] = y;
        }

        return y;
    }

    private OnnxValue ChannelsLast(OnnxValue x) => ToOrder(x, OnnxValue.ChannelsLast(x.Rank));

    private OnnxValue ChannelsFirst(OnnxValue x) => ToOrder(x, OnnxValue.ChannelsFirst(x.Rank));

    private string AddNode(string op, string[] inputs, string output, string scope, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique($"{scope}/{op}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes.Where(a => a is not null));
        _graph.Node.Add(node);
        return output;
    }

    // A node named after its layer and operator, returning its output's name.
    private string Op(string op, string scope, string[] inputs, params AttributeProto[] attributes) =>
        AddNode(op, inputs, Unique($"{scope}/{ToSnake(op)}"), scope, attributes);

    /// <summary>A weight as an initializer, converted once by <paramref name="form"/> (cached by weight and form).</summary>
    private string Weight(Variable weight, string name, string form = "", Func<float[], int[], (float[] Data, int[] Dims)>? convert = null)
    {
        if (!_weights.TryGetValue((weight, form), out string? stored))
        {
            float[] data = weight.Value.ToArray();
            int[] dims = weight.Value.Shape;
            (data, dims) = convert is null ? (data, dims) : convert(data, dims);
            stored = Floats(name, data, dims);
            _weights[(weight, form)] = stored;
        }

        return stored;
    }

    private string Floats(string name, float[] data, int[] dims)
    {
        var t = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims.Select(d => (long)d));
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

    private string Int64s(string name, params long[] values)
    {
        var t = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        return t.Name;
    }

    private static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, int[] shape, string owner)
    {
        var tensorShape = new TensorShapeProto();
        for (int i = 0; i < shape.Length; i++)
        {
            tensorShape.Dim.Add(shape[i] < 0
                ? new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "batch" : string.Create(CultureInfo.InvariantCulture, $"{owner}_d{i}") }
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

    private static string ToSnake(string op)
    {
        var sb = new System.Text.StringBuilder(op.Length + 4);
        for (int i = 0; i < op.Length; i++)
        {
            if (char.IsUpper(op[i]) && i > 0 && !char.IsUpper(op[i - 1]))
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(op[i]));
        }

        return sb.ToString();
    }
}
