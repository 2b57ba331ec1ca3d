using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Layers;
using Onnx;

namespace Nabla.Onnx;

// Convolutions, pooling and batch normalization: ONNX's channels-first operators, with Keras's kernel layouts converted
// on the host once and TensorFlow's "same" padding written as explicit pads (the odd one at the bottom or right).
internal sealed partial class OnnxGraphBuilder
{
    // Keras's [kh, kw, in / groups, out] (and Conv2DTranspose's [kh, kw, out, in]) → ONNX's [out, in / groups, kh, kw]
    // (ConvTranspose: [in, out, kh, kw]).
    private static readonly int[] s_kernelToOihw = [3, 2, 0, 1];

    private OnnxValue AddConv2D(Conv2D conv, OnnxValue input, int[] shape)
    {
        OnnxValue x = ChannelsFirst(input);
        string kernel = Weight(conv.Kernel!, $"{conv.Name}/kernel", "oihw", (d, dims) => HostTranspose.Apply(d, dims, s_kernelToOihw));
        return ConvNode(conv.Name, x, shape, kernel, conv.Bias, Pair(conv.KernelSize), Pair(conv.Strides), Pair(conv.DilationRate), conv.Groups,
            conv.Padding, conv.Activation);
    }

    private OnnxValue AddConv1D(Conv1D conv, OnnxValue input, int[] shape)
    {
        OnnxValue x = ChannelsFirst(input);   // [batch, channels, steps]
        string kernel = Weight(conv.Kernel!, $"{conv.Name}/kernel", "oiw", (d, dims) => HostTranspose.Apply(d, dims, [2, 1, 0]));
        return ConvNode(conv.Name, x, shape, kernel, conv.Bias, [conv.KernelSize], [conv.Strides], [conv.DilationRate], conv.Groups,
            conv.Padding, conv.Activation);
    }

    // One group per input channel: kernel [kh, kw, C, M] → [C·M, 1, kh, kw], output channel c·M + m as in Keras.
    private OnnxValue AddDepthwise(DepthwiseConv2D conv, OnnxValue input, int[] shape)
    {
        OnnxValue x = ChannelsFirst(input);
        string kernel = Weight(conv.Kernel!, $"{conv.Name}/depthwise_kernel", "depthwise", Depthwise);
        return ConvNode(conv.Name, x, shape, kernel, conv.Bias, Pair(conv.KernelSize), Pair(conv.Strides), Pair(conv.DilationRate),
            input.Shape[^1], conv.Padding, conv.Activation);
    }

    private OnnxValue AddSeparable(SeparableConv2D conv, OnnxValue input, int[] shape)
    {
        OnnxValue x = ChannelsFirst(input);
        int channels = input.Shape[^1];
        string depthwise = Weight(conv.DepthwiseKernel!, $"{conv.Name}/depthwise_kernel", "depthwise", Depthwise);
        int[] middleShape = [.. shape[..^1], channels * conv.DepthMultiplier];
        OnnxValue h = ConvNode(conv.Name, x, middleShape, depthwise, null, Pair(conv.KernelSize), Pair(conv.Strides), Pair(conv.DilationRate),
            channels, conv.Padding, ActivationFunction.Linear);
        string pointwise = Weight(conv.PointwiseKernel!, $"{conv.Name}/pointwise_kernel", "oihw", (d, dims) => HostTranspose.Apply(d, dims, s_kernelToOihw));
        return ConvNode(conv.Name, h, shape, pointwise, conv.Bias, [1, 1], [1, 1], [1, 1], 1, "valid", conv.Activation);
    }

    // Keras's output length rule (input·stride for same, input·stride + max(k_eff − stride, 0) for valid) as ONNX
    // ConvTranspose pads: the full transposed output of (input − 1)·stride + k_eff positions, cropped by the forward
    // convolution's same padding, and output_padding where a window shorter than its stride leaves positions uncovered.
    private OnnxValue AddConvTranspose(Conv2DTranspose conv, OnnxValue input, int[] shape)
    {
        OnnxValue x = ChannelsFirst(input);
        string kernel = Weight(conv.Kernel!, $"{conv.Name}/kernel", "iohw", (d, dims) => HostTranspose.Apply(d, dims, s_kernelToOihw));
        long[] size = Pair(conv.KernelSize), strides = Pair(conv.Strides), dilations = Pair(conv.DilationRate);
        var pads = new long[4];
        var outputPadding = new long[2];
        for (int a = 0; a < 2; a++)
        {
            long span = ((size[a] - 1) * dilations[a]) + 1;
            long crop = Math.Max(span - strides[a], 0);
            outputPadding[a] = Math.Max(strides[a] - span, 0);
            if (conv.Padding == "same")
            {
                pads[a] = crop / 2;
                pads[a + 2] = crop - (crop / 2);
            }
        }

        string[] inputs = conv.Bias is { } b ? [x.Name, kernel, Weight(b, $"{conv.Name}/bias")] : [x.Name, kernel];
        string y = Op("ConvTranspose", conv.Name, inputs, Attr("kernel_shape", size), Attr("strides", strides), Attr("dilations", dilations),
            Attr("pads", pads), Attr("output_padding", outputPadding));
        var result = new OnnxValue(y, shape, x.Perm);
        return result with { Name = AddActivation(conv.Activation, result, conv.Name) };
    }

    private OnnxValue ConvNode(string scope, OnnxValue x, int[] shape, string kernel, Variable? bias, long[] size, long[] strides, long[] dilations,
        int groups, string padding, ActivationFunction activation)
    {
        string[] inputs = bias is null ? [x.Name, kernel] : [x.Name, kernel, Weight(bias, $"{scope}/bias")];
        string y = Op("Conv", scope, inputs, Attr("kernel_shape", size), Attr("strides", strides), Attr("dilations", dilations),
            Attr("group", groups), Padding(x.Shape[1..^1], size, strides, dilations, padding));
        var result = new OnnxValue(y, shape, x.Perm);
        return result with { Name = AddActivation(activation, result, scope) };
    }

    // MaxPool ignores padded positions; AveragePool with count_include_pad = 0 leaves them out of the average, as
    // TensorFlow does.
    private OnnxValue AddPool(string op, string scope, OnnxValue input, int[] shape, IntPair size, IntPair strides, string padding)
    {
        OnnxValue x = ChannelsFirst(input);
        bool oneD = x.Rank == 3;
        long[] window = oneD ? [size.Width] : Pair(size), steps = oneD ? [strides.Width] : Pair(strides);
        long[] ones = [.. window.Select(_ => 1L)];
        List<AttributeProto> attributes = [Attr("kernel_shape", window), Attr("strides", steps), Padding(x.Shape[1..^1], window, steps, ones, padding)];
        if (op == "AveragePool")
        {
            attributes.Add(Attr("count_include_pad", 0L));
        }

        return new OnnxValue(Op(op, scope, [x.Name], [.. attributes]), shape, x.Perm);
    }

    // A mean or maximum over the spatial axes, wherever the input holds them.
    private OnnxValue AddGlobalPool(string op, string scope, OnnxValue x, int[] shape, bool keepdims)
    {
        long[] axes = [x.OnnxAxis(1), x.OnnxAxis(2)];
        string y = Op(op, scope, [x.Name], Attr("axes", axes), Attr("keepdims", keepdims ? 1L : 0L));
        return new OnnxValue(y, shape, keepdims ? x.Perm : OnnxValue.ChannelsLast(2));
    }

    // Inference: gamma·(x − moving_mean)/√(moving_variance + epsilon) + beta over the channel axis; a layer without
    // gamma or beta (scale or center false) gets ones or zeros.
    private OnnxValue AddBatchNormalization(BatchNormalization bn, OnnxValue input, int[] shape)
    {
        OnnxValue x = ChannelsFirst(input);
        int channels = shape[^1];
        string scale = bn.Gamma is { } g ? Weight(g, $"{bn.Name}/gamma") : Floats($"{bn.Name}/gamma_ones", [.. Enumerable.Repeat(1f, channels)], [channels]);
        string offset = bn.Beta is { } b ? Weight(b, $"{bn.Name}/beta") : Floats($"{bn.Name}/beta_zeros", new float[channels], [channels]);
        string y = Op("BatchNormalization", bn.Name, [x.Name, scale, offset, Weight(bn.MovingMean!, $"{bn.Name}/moving_mean"), Weight(bn.MovingVariance!, $"{bn.Name}/moving_variance")],
            Attr("epsilon", (float)bn.Epsilon));
        return new OnnxValue(y, shape, x.Perm);
    }

    /// <summary>
    /// The pads attribute (all begins, then all ends) for a window over the spatial lengths of a channels-first input:
    /// zeros for valid, TensorFlow's split for same, (k − 1)·d zeros before the steps for causal. A same window with a
    /// stride over a length unknown at export gets auto_pad SAME_UPPER, ONNX's name for the same split.
    /// </summary>
    private static AttributeProto Padding(int[] lengths, long[] window, long[] strides, long[] dilations, string padding)
    {
        int n = lengths.Length;
        var pads = new long[2 * n];
        for (int a = 0; a < n && padding != "valid"; a++)
        {
            long span = ((window[a] - 1) * dilations[a]) + 1;
            if (padding == "causal")
            {
                pads[a] = span - 1;
            }
            else if (lengths[a] > 0)
            {
                (_, int before, int after) = SpatialPadding.Compute(lengths[a], (int)window[a], (int)strides[a], (int)dilations[a], PaddingMode.Same);
                (pads[a], pads[a + n]) = (before, after);
            }
            else if (strides[a] == 1)
            {
                (pads[a], pads[a + n]) = ((span - 1) / 2, span - 1 - ((span - 1) / 2));
            }
            else
            {
                return Attr("auto_pad", "SAME_UPPER");
            }
        }

        return Attr("pads", pads);
    }

    private static (float[] Data, int[] Dims) Depthwise(float[] data, int[] dims)
    {
        (float[] moved, int[] d) = HostTranspose.Apply(data, dims, [2, 3, 0, 1]);   // [C, M, kh, kw]
        return (moved, [d[0] * d[1], 1, d[2], d[3]]);
    }

    private static long[] Pair(IntPair p) => [p.Height, p.Width];
}
