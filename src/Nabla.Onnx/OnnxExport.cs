using Nabla.Layers;

namespace Nabla.Onnx;

/// <summary>
/// Exports models to ONNX (opset 17), so that a model trained with Nabla runs in ONNX Runtime, ML.NET or anything
/// else that reads ONNX.
/// </summary>
/// <remarks>
/// <para>
/// The exported graph has the model's inputs and outputs, named after its input layers and output layers, with their
/// channels-last Keras shapes (<c>[batch, height, width, channels]</c> for images; the batch axis symbolic, named
/// <c>batch</c>), computed in float32. The model's weights are stored in the file; the graph is the model at inference
/// (Dropout and SpatialDropout2D are the identity, BatchNormalization uses its moving statistics with its own epsilon).
/// </para>
/// <para>
/// Convolutions, pooling and BatchNormalization run as ONNX's channels-first operators: a run of them stays
/// channels-first, with Transpose nodes only where the order changes (into the run, and before Flatten, Reshape, Dense
/// on images and the outputs, so that Flatten keeps Keras's height, width, channels order). TensorFlow's "same" padding
/// (the odd row or column at the bottom or right) is written as explicit pads; AveragePooling2D leaves padded positions
/// out of the average as Keras does; Conv2DTranspose follows Keras's output length rule.
/// </para>
/// <para>
/// Layers: InputLayer; Dense (with its activation); Activation, ReLU (max value, threshold, negative slope),
/// LeakyReLU, ELU, Softmax (any axis), PReLU; Dropout, SpatialDropout2D; Flatten, Reshape, ZeroPadding2D, Cropping2D,
/// UpSampling2D; Conv1D (causal included), Conv2D (strides, dilation, groups), DepthwiseConv2D, SeparableConv2D,
/// Conv2DTranspose; MaxPooling1D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D;
/// BatchNormalization; Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot; nested Sequential and
/// functional models, including functional graphs with branches, shared layers, several inputs and several outputs.
/// Activations: linear, relu, sigmoid, tanh, softmax, elu, selu, gelu (exact or tanh-approximated), leaky_relu,
/// softplus, swish. A Lambda layer, a custom activation, a custom layer and a model that overrides <c>Call</c> run C#
/// code and are refused with an exception naming them.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using Nabla.Onnx;
/// model.ExportOnnx("model.onnx");
/// </code>
/// </example>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the export targets.</summary>
    public const int Opset = 17;

    /// <summary>
    /// Writes <paramref name="model"/> as an ONNX model to <paramref name="path"/> (replacing an existing file
    /// atomically).
    /// </summary>
    /// <param name="model">A built model.</param>
    /// <param name="path">The file to write, conventionally ending in <c>.onnx</c>.</param>
    /// <exception cref="InvalidOperationException">The model is not built yet, so its input shape and weights are unknown.</exception>
    /// <exception cref="NotSupportedException">A layer or activation has no ONNX form (a Lambda, a custom layer or activation); the message names it.</exception>
    public static void ExportOnnx(this Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = OnnxGraphBuilder.Build(model);
        Saving.AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
