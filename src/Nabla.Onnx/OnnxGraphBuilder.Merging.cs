using Nabla.Layers;

namespace Nabla.Onnx;

// The merge layers. Inputs of one rank are combined in the first input's axis order; inputs of different ranks get
// Keras's rule (axes of length 1 inserted after the batch axis), which needs channels-last order.
internal sealed partial class OnnxGraphBuilder
{
    private OnnxValue AddElementwise(Merge merge, OnnxValue[] inputs, int[] shape)
    {
        OnnxValue[] xs = Aligned(merge, inputs);
        string[] names = [.. xs.Select(v => v.Name)];
        string scope = merge.Name;
        string Fold(string op) => names.Skip(1).Aggregate(names[0], (acc, next) => Op(op, scope, [acc, next]));
        string y = merge switch
        {
            Add => Fold("Add"),
            Subtract => Op("Sub", scope, names),
            Multiply => Fold("Mul"),
            Average => Op("Div", scope, [Fold("Add"), Scalar($"{scope}/count", names.Length)]),
            Maximum => Op("Max", scope, names),
            Minimum => Op("Min", scope, names),
            _ => throw new NotSupportedException($"ExportOnnx: merge layer {merge.Describe()} has no ONNX form. Exported layers: {Exported}."),
        };
        return new OnnxValue(y, shape, xs[0].Perm);
    }

    private OnnxValue[] Aligned(Merge merge, OnnxValue[] inputs)
    {
        int rank = inputs.Max(v => v.Rank);
        if (inputs.All(v => v.Rank == rank))
        {
            int[] perm = inputs[0].Perm;
            return [.. inputs.Select(v => ToOrder(v, perm))];
        }

        return [.. inputs.Select(v =>
        {
            OnnxValue x = ChannelsLast(v);
            if (x.Rank == rank)
            {
                return x;
            }

            long[] axes = [.. Enumerable.Range(1, rank - x.Rank).Select(a => (long)a)];
            string y = Op("Unsqueeze", merge.Name, [x.Name, Int64s($"{merge.Name}/axes", axes)]);
            return new OnnxValue(y, [x.Shape[0], .. axes.Select(_ => 1), .. x.Shape[1..]], OnnxValue.ChannelsLast(rank));
        })];
    }

    private OnnxValue AddConcatenate(Concatenate concat, OnnxValue[] inputs, int[] shape)
    {
        int[] perm = inputs[0].Perm;
        OnnxValue[] xs = [.. inputs.Select(v => ToOrder(v, perm))];
        string y = Op("Concat", concat.Name, [.. xs.Select(v => v.Name)], Attr("axis", (long)xs[0].OnnxAxis(concat.Axis)));
        return new OnnxValue(y, shape, perm);
    }

    // Keras's batch dot of rank-2 or rank-3 inputs: both as batches of matrices ([b, 1, k] and [b, k, 1] for rank 2,
    // transposed when the dot axis is not the inner one), one MatMul, and the unit axes a rank-2 input brought in dropped.
    private OnnxValue AddDot(Dot dot, OnnxValue[] inputs, int[] shape)
    {
        string scope = dot.Name;
        OnnxValue x = ChannelsLast(inputs[0]), y = ChannelsLast(inputs[1]);
        int ax = dot.Axes[0] < 0 ? dot.Axes[0] + x.Rank : dot.Axes[0], ay = dot.Axes[1] < 0 ? dot.Axes[1] + y.Rank : dot.Axes[1];
        string a = x.Name, b = y.Name;
        if (dot.Normalize)
        {
            // x / max(‖x‖, 1e-7) along the dot axis, as Keras's normalize.
            a = L2Normalize(scope, a, ax);
            b = L2Normalize(scope, b, ay);
        }

        a = x.Rank == 3 ? (ax == 1 ? Op("Transpose", scope, [a], Attr("perm", [0L, 2, 1])) : a) : Op("Unsqueeze", scope, [a, Int64s($"{scope}/axis1", 1)]);
        b = y.Rank == 3 ? (ay == 2 ? Op("Transpose", scope, [b], Attr("perm", [0L, 2, 1])) : b) : Op("Unsqueeze", scope, [b, Int64s($"{scope}/axis2", 2)]);
        string product = Op("MatMul", scope, [a, b]);
        if (x.Rank == 2 || y.Rank == 2)
        {
            product = Op("Reshape", scope, [product, Int64s($"{scope}/shape", 0, -1)]);
        }

        return new OnnxValue(product, shape, OnnxValue.ChannelsLast(shape.Length));
    }

    private string L2Normalize(string scope, string x, int axis)
    {
        string norm = Op("ReduceL2", scope, [x], Attr("axes", [(long)axis]), Attr("keepdims", 1L));
        return Op("Div", scope, [x, Op("Max", scope, [norm, Scalar($"{scope}/epsilon", 1e-7f)])]);
    }
}
