using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Layers;

namespace Nabla.Onnx;

internal sealed partial class OnnxGraphBuilder
{
    // Keras's SELU constants (keras.activations.selu), written explicitly rather than relying on ONNX's float defaults.
    private const float SeluAlpha = 1.6732632423543772f;
    private const float SeluScale = 1.0507009873554805f;

    /// <summary>The nodes of activation <paramref name="f"/> on <paramref name="x"/> (in whatever axis order it comes).</summary>
    private string AddActivation(ActivationFunction f, OnnxValue x, string scope)
    {
        if (f.Descriptor is not ActivationDescriptor d)
        {
            throw new NotSupportedException(
                $"ExportOnnx: the custom activation '{f.Name}' (in '{scope}') is a C# function and has no ONNX form; use a built-in activation to export.");
        }

        if (d.IsLinear)
        {
            return x.Name;
        }

        string v = x.Name;
        switch (d.Kernel)
        {
            case "relu":
                return Op("Relu", scope, [v]);
            case "sigmoid":
                return Op("Sigmoid", scope, [v]);
            case "tanh":
                return Op("Tanh", scope, [v]);
            case "softmax":
                return Op("Softmax", scope, [v], Attr("axis", (long)x.OnnxAxis(-1)));   // Keras's softmax: the last Keras axis
            case "elu":
                return Op("Elu", scope, [v], Attr("alpha", d.Parameter));
            case "selu":
                return Op("Selu", scope, [v], Attr("alpha", SeluAlpha), Attr("gamma", SeluScale));
            case "leaky_relu":
                return Op("LeakyRelu", scope, [v], Attr("alpha", d.Parameter));
            case "softplus":
                return Op("Softplus", scope, [v]);
            case "swish":
                return Op("Mul", scope, [v, Op("Sigmoid", scope, [v])]);
            case "gelu":
                {
                    // Exact GELU, as Keras's default: 0.5·x·(1 + erf(x/√2)). Opset 17 has no Gelu operator (it came in 20).
                    string erf = Op("Erf", scope, [Op("Mul", scope, [v, Scalar($"{scope}/inv_sqrt2", (float)(1.0 / Math.Sqrt(2.0)))])]);
                    string plus = Op("Add", scope, [erf, Scalar($"{scope}/one", 1f)]);
                    return Op("Mul", scope, [Op("Mul", scope, [v, plus]), Scalar($"{scope}/half", 0.5f)]);
                }

            case "gelu_tanh":
                {
                    // GELU's tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
                    string cube = Op("Mul", scope, [Op("Mul", scope, [v, v]), v]);
                    string inner = Op("Add", scope, [v, Op("Mul", scope, [cube, Scalar($"{scope}/c", 0.044715f)])]);
                    string t = Op("Tanh", scope, [Op("Mul", scope, [inner, Scalar($"{scope}/k", (float)Math.Sqrt(2.0 / Math.PI))])]);
                    string plus = Op("Add", scope, [t, Scalar($"{scope}/one", 1f)]);
                    return Op("Mul", scope, [Op("Mul", scope, [v, plus]), Scalar($"{scope}/half", 0.5f)]);
                }

            default:
                throw new NotSupportedException($"ExportOnnx: activation '{f.Name}' (in '{scope}') has no ONNX form in this version.");
        }
    }

    // Keras's relu with options: min(x, maxValue) above the threshold, negativeSlope·(x − threshold) at or below it.
    private string AddRelu(ReLU relu, OnnxValue x)
    {
        string scope = relu.Name;
        if (relu.MaxValue is null && relu.Threshold == 0)
        {
            return relu.NegativeSlope == 0
                ? Op("Relu", scope, [x.Name])
                : Op("LeakyRelu", scope, [x.Name], Attr("alpha", (float)relu.NegativeSlope));
        }

        string threshold = Scalar($"{scope}/threshold", (float)relu.Threshold);
        string above = relu.MaxValue is double cap ? Op("Min", scope, [x.Name, Scalar($"{scope}/max_value", (float)cap)]) : x.Name;
        string below = relu.NegativeSlope == 0
            ? Scalar($"{scope}/zero", 0f)
            : Op("Mul", scope, [Op("Sub", scope, [x.Name, threshold]), Scalar($"{scope}/negative_slope", (float)relu.NegativeSlope)]);
        return Op("Where", scope, [Op("Greater", scope, [x.Name, threshold]), above, below]);
    }

    // relu(x) + alpha·min(x, 0), which is ONNX's PRelu; alpha [d1, …] (1 on shared axes) follows the input's axis order.
    private OnnxValue AddPRelu(PReLU prelu, OnnxValue x, int[] shape)
    {
        string form = string.Join(',', x.Perm);
        string slope = Weight(prelu.Alpha!, $"{prelu.Name}/alpha", form, (data, dims) => HostTranspose.Apply(data, [1, .. dims], x.Perm));
        return new OnnxValue(Op("PRelu", prelu.Name, [x.Name, slope]), shape, x.Perm);
    }
}
