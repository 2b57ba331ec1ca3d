using Nabla.Layers;

namespace Nabla.Onnx;

/// <summary>
/// Exports models to ONNX (opset 17), so that a model trained with Nabla runs in ONNX Runtime, ML.NET or anything
/// else that reads ONNX.
/// </summary>
/// <remarks>
/// <para>
/// The exported graph has one input and one output with the model's own channels-last shapes: input
/// <c>[batch, …]</c> as the model declares it (the batch axis symbolic, named <c>batch</c>) and output as
/// <c>Predict</c> returns it, computed in float32. The model's weights are stored in the file.
/// </para>
/// <para>
/// Layers: <c>InputLayer</c>; <c>Dense</c> (Gemm on 2-D inputs, MatMul and Add on higher ranks) with its built-in
/// activation; <c>Activation</c>; <c>Dropout</c> (the identity at inference); <c>Flatten</c> and <c>Reshape</c> (ONNX
/// Reshape keeping the batch axis, so Keras's row-major flatten order is kept); nested Sequential and functional
/// models. Activations: linear, relu, sigmoid, tanh, softmax (last axis), elu, selu, gelu (exact, from Erf),
/// leaky_relu (with its slope), softplus, swish; ELU with its alpha; GELU exact or tanh-approximated. Anything else is refused with an exception naming it.
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
    /// <exception cref="NotSupportedException">A layer or activation has no ONNX form here; the message names it.</exception>
    public static void ExportOnnx(this Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = OnnxGraphBuilder.Build(model);
        Saving.AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
