using Nabla.Layers;

namespace Nabla.Onnx;

internal sealed partial class OnnxGraphBuilder
{
    private const string Exported =
        "InputLayer, Dense, Activation, ReLU, LeakyReLU, ELU, Softmax, PReLU, Dropout, SpatialDropout2D, Flatten, Reshape, ZeroPadding2D, " +
        "Cropping2D, UpSampling2D, Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, MaxPooling1D, MaxPooling2D, " +
        "AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, BatchNormalization, Add, Subtract, Multiply, Average, Maximum, " +
        "Minimum, Concatenate, Dot, and nested Sequential and functional models";

    // One layer's nodes; shape is the layer's output shape as Keras computes it.
    private OnnxValue Translate(Layer layer, OnnxValue[] inputs, int[] shape)
    {
        OnnxValue x = inputs[0];
        return layer switch
        {
            InputLayer or Dropout or SpatialDropout2D => x,   // the identity at inference
            Dense dense => AddDense(dense, x, shape),
            Activation a => x with { Name = AddActivation(a.Function, x, layer.Name), Shape = shape },
            ReLU relu => x with { Name = AddRelu(relu, x), Shape = shape },
            LeakyReLU leaky => x with { Name = Op("LeakyRelu", layer.Name, [x.Name], Attr("alpha", (float)leaky.NegativeSlope)), Shape = shape },
            ELU elu => x with { Name = Op("Elu", layer.Name, [x.Name], Attr("alpha", (float)elu.Alpha)), Shape = shape },
            Softmax softmax => x with { Name = Op("Softmax", layer.Name, [x.Name], Attr("axis", (long)x.OnnxAxis(softmax.Axis))), Shape = shape },
            PReLU prelu => AddPRelu(prelu, x, shape),
            Flatten => AddReshape(layer, x, shape, [-1]),
            Reshape reshape => AddReshape(layer, x, shape, reshape.TargetShape),
            ZeroPadding2D pad => AddZeroPadding(pad, x, shape),
            Cropping2D crop => AddCropping(crop, x, shape),
            UpSampling2D up => AddUpSampling(up, x, shape),
            Conv2D conv => AddConv2D(conv, x, shape),
            Conv1D conv => AddConv1D(conv, x, shape),
            DepthwiseConv2D conv => AddDepthwise(conv, x, shape),
            SeparableConv2D conv => AddSeparable(conv, x, shape),
            Conv2DTranspose conv => AddConvTranspose(conv, x, shape),
            MaxPooling2D pool => AddPool("MaxPool", pool.Name, x, shape, pool.PoolSize, pool.Strides, pool.Padding),
            AveragePooling2D pool => AddPool("AveragePool", pool.Name, x, shape, pool.PoolSize, pool.Strides, pool.Padding),
            MaxPooling1D pool => AddPool("MaxPool", pool.Name, x, shape, (1, pool.PoolSize), (1, pool.Strides), pool.Padding),
            GlobalAveragePooling2D pool => AddGlobalPool("ReduceMean", pool.Name, x, shape, pool.Keepdims),
            GlobalMaxPooling2D pool => AddGlobalPool("ReduceMax", pool.Name, x, shape, pool.Keepdims),
            BatchNormalization bn => AddBatchNormalization(bn, x, shape),
            Concatenate concat => AddConcatenate(concat, inputs, shape),
            Dot dot => AddDot(dot, inputs, shape),
            Merge merge => AddElementwise(merge, inputs, shape),
            Lambda => throw new NotSupportedException(
                $"ExportOnnx: layer {layer.Describe()} runs a C# function, which has no ONNX form. Replace the Lambda with built-in layers to export the model."),
            _ => throw new NotSupportedException($"ExportOnnx: layer {layer.Describe()} has no ONNX form. Exported layers: {Exported}."),
        };
    }

    private OnnxValue AddDense(Dense dense, OnnxValue input, int[] shape)
    {
        // Dense acts on the last Keras axis, so image-shaped inputs come back to channels-last order first.
        OnnxValue x = ChannelsLast(input);
        string kernel = Weight(dense.Kernel!, $"{dense.Name}/kernel");
        string? bias = dense.Bias is { } b ? Weight(b, $"{dense.Name}/bias") : null;
        string y;
        if (x.Rank == 2)
        {
            // Gemm: x [batch, in] · kernel [in, units] + bias, exactly Keras's Dense on 2-D input.
            y = Op("Gemm", dense.Name, bias is null ? [x.Name, kernel] : [x.Name, kernel, bias]);
        }
        else
        {
            y = Op("MatMul", dense.Name, [x.Name, kernel]);
            if (bias is not null)
            {
                y = Op("Add", dense.Name, [y, bias]);
            }
        }

        var result = new OnnxValue(y, shape, x.Perm);
        return result with { Name = AddActivation(dense.Activation, result, dense.Name) };
    }
}
