using Nabla.Layers;

namespace Nabla.Onnx;

// Flatten and Reshape read the flat channels-last order; padding, cropping and upsampling act on the spatial axes
// wherever the input holds them, so a run of convolutions stays channels-first through them.
internal sealed partial class OnnxGraphBuilder
{
    // ONNX Reshape with the batch axis kept (0 = copy it): on channels-last data this is Keras's row-major order (H, W, C
    // for images), so Flatten after convolutions first returns to channels-last.
    private OnnxValue AddReshape(Layer layer, OnnxValue input, int[] shape, int[] target)
    {
        OnnxValue x = ChannelsLast(input);
        string y = Op("Reshape", layer.Name, [x.Name, Int64s($"{layer.Name}/shape", [0, .. target.Select(d => (long)d)])]);
        return new OnnxValue(y, shape, OnnxValue.ChannelsLast(shape.Length));
    }

    private OnnxValue AddZeroPadding(ZeroPadding2D layer, OnnxValue x, int[] shape)
    {
        int rank = x.Rank, rows = x.OnnxAxis(1), columns = x.OnnxAxis(2);
        var pads = new long[2 * rank];
        Margins2D p = layer.Padding;
        (pads[rows], pads[rows + rank], pads[columns], pads[columns + rank]) = (p.Top, p.Bottom, p.Left, p.Right);
        return x with { Name = Op("Pad", layer.Name, [x.Name, Int64s($"{layer.Name}/pads", pads)]), Shape = shape };
    }

    // Slice rows [top, −bottom) and columns [left, −right): negative ends count from the end, so unknown lengths work.
    private OnnxValue AddCropping(Cropping2D layer, OnnxValue x, int[] shape)
    {
        Margins2D c = layer.Cropping;
        static long End(int margin) => margin > 0 ? -margin : long.MaxValue;
        string y = Op("Slice", layer.Name, [x.Name, Int64s($"{layer.Name}/starts", c.Top, c.Left), Int64s($"{layer.Name}/ends", End(c.Bottom), End(c.Right)),
            Int64s($"{layer.Name}/axes", x.OnnxAxis(1), x.OnnxAxis(2))]);
        return x with { Name = y, Shape = shape };
    }

    // Nearest-neighbour Resize with integer scales, asymmetric coordinates and floor rounding: output pixel (i, j) reads
    // input pixel (⌊i / sh⌋, ⌊j / sw⌋), Keras's repetition exactly.
    private OnnxValue AddUpSampling(UpSampling2D layer, OnnxValue x, int[] shape)
    {
        float[] scales = [.. Enumerable.Repeat(1f, x.Rank)];
        scales[x.OnnxAxis(1)] = layer.Size.Height;
        scales[x.OnnxAxis(2)] = layer.Size.Width;
        string y = Op("Resize", layer.Name, [x.Name, string.Empty, Floats($"{layer.Name}/scales", scales, [scales.Length])],
            Attr("mode", "nearest"), Attr("coordinate_transformation_mode", "asymmetric"), Attr("nearest_mode", "floor"));
        return x with { Name = y, Shape = shape };
    }
}
