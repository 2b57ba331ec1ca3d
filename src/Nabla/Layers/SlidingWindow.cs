using System.Globalization;
using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// The window of a convolution or pooling layer: size, strides, dilation and padding along one or two spatial axes,
/// checked as Keras checks them, with the output shapes and kernel geometries that follow. A 1-D window is the 2-D
/// one with height 1 (the steps are the width).
/// </summary>
internal sealed class SlidingWindow
{
    private static readonly string[] s_paddings = ["same", "valid"];
    private static readonly string[] s_paddingsCausal = ["causal", "same", "valid"];

    /// <summary>Checks and keeps the window's arguments; <paramref name="layer"/> names the class in messages.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride is not positive, or strides and dilation both exceed 1.</exception>
    /// <exception cref="ArgumentException">The padding is unknown (the message lists the known ones).</exception>
    public SlidingWindow(string layer, int rank, IntPair size, IntPair strides, string padding, IntPair dilation,
        string sizeArgument = "kernelSize", bool allowCausal = false)
    {
        ArgumentNullException.ThrowIfNull(padding);
        CheckPositive(layer, sizeArgument, size, rank);
        CheckPositive(layer, "strides", strides, rank);
        CheckPositive(layer, "dilationRate", dilation, rank);
        if (strides.AnyAboveOne && dilation.AnyAboveOne)
        {
            throw new ArgumentOutOfRangeException(nameof(strides), strides,
                $"{layer}: strides > 1 is not supported together with dilationRate > 1, but received strides={Show(strides, rank)} and dilationRate={Show(dilation, rank)}.");
        }

        string p = padding.ToLowerInvariant();
        string[] known = allowCausal ? s_paddingsCausal : s_paddings;
        if (Array.IndexOf(known, p) < 0)
        {
            throw new ArgumentException($"{layer}: " + KnownNames.UnknownMessage("padding", padding, known), nameof(padding));
        }

        (Rank, Size, Strides, Dilation, Padding) = (rank, size, strides, dilation, p);
        Mode = p == "same" ? PaddingMode.Same : PaddingMode.Valid;
    }

    /// <summary>1 or 2 spatial axes.</summary>
    public int Rank { get; }

    /// <summary>Kernel or pool size (height 1 for a 1-D window).</summary>
    public IntPair Size { get; }

    /// <summary>Strides.</summary>
    public IntPair Strides { get; }

    /// <summary>Dilation (1 for pooling).</summary>
    public IntPair Dilation { get; }

    /// <summary>"valid", "same" or (Conv1D) "causal", lower case.</summary>
    public string Padding { get; }

    /// <summary>The padding as the kernels take it (causal computes as valid over a left-padded input).</summary>
    public PaddingMode Mode { get; }

    /// <summary>True for Conv1D's causal padding: (size − 1)·dilation zeros before the steps, none after.</summary>
    public bool IsCausal => Padding == "causal";

    /// <summary>Output length along one axis for an input length (-1 when unknown, 0 or less when the window does not fit).</summary>
    public int OutputLength(int input, int window, int stride, int dilation)
    {
        if (input < 0)
        {
            return -1;
        }

        long span = SpatialPadding.Span(window, dilation);
        return Mode == PaddingMode.Same || IsCausal
            ? (int)(((long)input + stride - 1) / stride)
            : input < span ? 0 : (int)((input - span) / stride) + 1;
    }

    /// <summary>
    /// The output shape [batch, (rows,) columns, <paramref name="channels"/>] for a channels-last input shape of this
    /// window's rank (-1 = unknown); throws when a known length leaves no output position.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The window does not fit the input.</exception>
    public int[] OutputShape(Layer layer, int[] inputShape, int channels)
    {
        int[] output = (int[])inputShape.Clone();
        int first = inputShape.Length - 1 - Rank;
        for (int axis = 0; axis < Rank; axis++)
        {
            bool rows = Rank == 2 && axis == 0;
            output[first + axis] = OutputLength(inputShape[first + axis], rows ? Size.Height : Size.Width,
                rows ? Strides.Height : Strides.Width, rows ? Dilation.Height : Dilation.Width);
            if (output[first + axis] == 0)
            {
                throw TooSmall(layer, inputShape);
            }
        }

        output[^1] = channels;
        return output;
    }

    /// <summary>The convolution over a 4-D input tensor (a 1-D input reshaped to height 1).</summary>
    /// <exception cref="ShapeMismatchException">The window does not fit the input.</exception>
    public Conv2DGeometry Convolution(Layer layer, ReadOnlySpan<int> x, int filters, int groups)
    {
        CheckFits(layer, x);
        if (IsCausal)
        {
            int left = (Size.Width - 1) * Dilation.Width;
            return Conv2DGeometry.CreateExplicit(x[0], x[1], x[2], x[3], filters, Size.Height, Size.Width, 0, 0, left, 0,
                Strides.Height, Strides.Width, Dilation.Height, Dilation.Width, groups);
        }

        return Conv2DGeometry.Create(x[0], x[1], x[2], x[3], filters, Size.Height, Size.Width, Mode,
            Strides.Height, Strides.Width, Dilation.Height, Dilation.Width, groups);
    }

    /// <summary>The transposed convolution's output shape [batch, height, width, <paramref name="filters"/>] (-1 stays unknown).</summary>
    public int[] TransposeOutputShape(int[] inputShape, int filters)
    {
        int[] output = (int[])inputShape.Clone();
        if (inputShape[1] > 0)
        {
            output[1] = SpatialPadding.TransposeOutput(inputShape[1], Size.Height, Strides.Height, Dilation.Height, Mode);
        }

        if (inputShape[2] > 0)
        {
            output[2] = SpatialPadding.TransposeOutput(inputShape[2], Size.Width, Strides.Width, Dilation.Width, Mode);
        }

        output[^1] = filters;
        return output;
    }

    /// <summary>The convolution whose adjoint a transposed convolution of a 4-D input tensor is.</summary>
    public Conv2DGeometry Transpose(ReadOnlySpan<int> x, int filters) =>
        Conv2DGeometry.CreateTranspose(x[0], x[1], x[2], x[3], filters, Size.Height, Size.Width, Mode,
            Strides.Height, Strides.Width, Dilation.Height, Dilation.Width);

    /// <summary>The pooling over a 4-D input tensor.</summary>
    /// <exception cref="ShapeMismatchException">The window does not fit the input.</exception>
    public Pool2DGeometry Pooling(Layer layer, ReadOnlySpan<int> x)
    {
        CheckFits(layer, x);
        return Pool2DGeometry.Create(x[0], x[1], x[2], x[3], Size.Height, Size.Width, Strides.Height, Strides.Width, Mode);
    }

    /// <summary>The window's arguments as Keras writes them: a tuple of <see cref="Rank"/> ints each.</summary>
    public void WriteConfig(Dictionary<string, object?> config, string sizeKey, bool withDilation = true)
    {
        config[sizeKey] = Values(Size);
        config["strides"] = Values(Strides);
        config["padding"] = Padding;
        config["data_format"] = "channels_last";
        if (withDilation)
        {
            config["dilation_rate"] = Values(Dilation);
        }
    }

    /// <summary>A pair or, for a 1-D window, its width, as the layer's argument is written in messages.</summary>
    public string Show(IntPair value) => Show(value, Rank);

    private static void CheckPositive(string layer, string argument, IntPair value, int rank)
    {
        if (value.Height < 1 || value.Width < 1)
        {
            throw new ArgumentOutOfRangeException(argument, value,
                $"{layer}: {argument} must be {(rank == 2 ? "a pair of integers" : "an integer")} > 0, but received {argument}={Show(value, rank)}.");
        }
    }

    private static string Show(IntPair value, int rank) =>
        rank == 2 ? value.ToString() : value.Width.ToString(CultureInfo.InvariantCulture);

    private int[] Values(IntPair pair) => Rank == 2 ? pair.ToArray() : [pair.Width];

    // The kernels refuse a window that does not fit; the layer says so first, in its own words.
    private void CheckFits(Layer layer, ReadOnlySpan<int> x)
    {
        if (OutputLength(x[1], Size.Height, Strides.Height, Dilation.Height) < 1 || OutputLength(x[2], Size.Width, Strides.Width, Dilation.Width) < 1)
        {
            int[] shape = Rank == 2 ? x.ToArray() : [x[0], x[2], x[3]];
            throw TooSmall(layer, shape);
        }
    }

    private ShapeMismatchException TooSmall(Layer layer, int[] inputShape)
    {
        string shape = ShapeUtil.Format(inputShape).Replace("-1", "None", StringComparison.Ordinal);
        string window = Dilation.AnyAboveOne ? $"{Show(Size)} window with dilationRate={Show(Dilation)}" : $"{Show(Size)} window";
        return new ShapeMismatchException(layer.Name, $"spatial lengths of at least {Show(Size)}", shape,
            $"Layer {layer.Describe()} computed an output size of zero: its {window} does not fit input shape {shape} with padding \"{Padding}\". " +
            "Use padding \"same\", a smaller window or a larger input.");
    }
}
