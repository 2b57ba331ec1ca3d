using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>What the image augmentation layers share: argument checks, drawing, applying, and their config values.</summary>
internal static class ImageAugmentation
{
    /// <summary>Keras's fill modes, in Keras's order.</summary>
    public static readonly string[] FillModes = ["reflect", "wrap", "constant", "nearest"];

    /// <summary>Keras's interpolations for these layers.</summary>
    public static readonly string[] Interpolations = ["nearest", "bilinear"];

    // Images up to this many get their transforms on the stack; larger batches rent a buffer.
    private const int StackImages = 256;

    /// <summary>The input contract of every image augmentation layer: one image [h, w, c] or a batch [n, h, w, c].</summary>
    public static InputSpec ImageSpec() => new(minRank: 3, maxRank: 4);

    /// <summary>Height and width of a batch [n, h, w, c] or of one image [h, w, c].</summary>
    public static (int Batch, int Height, int Width) Dims(Tensor images) =>
        images.Rank == 4 ? (images.Dim(0), images.Dim(1), images.Dim(2)) : (1, images.Dim(0), images.Dim(1));

    /// <summary>The images moved by the layer's transforms, one per image, drawn now.</summary>
    public static Tensor ApplyAffine(Tensor inputs, IAffineAugmentation layer, RandomSource rng)
    {
        (int n, int h, int w) = Dims(inputs);
        int length = n * ImageTransform.TransformLength;
        float[]? rented = null;
        Span<float> transforms = n <= StackImages
            ? stackalloc float[StackImages * ImageTransform.TransformLength]
            : (rented = ArrayPool<float>.Shared.Rent(length));
        try
        {
            transforms = transforms[..length];
            lock (rng)
            {
                layer.DrawTransforms(transforms, h, w);
            }

            return Ops.AffineTransformImages(inputs, transforms, layer.Sampling, layer.Fill, layer.FillWith);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Uniform in [lower, upper) (exactly lower when the two are equal), as Keras's <c>random.uniform</c>.</summary>
    public static double Uniform(RandomSource rng, double lower, double upper) => lower + ((upper - lower) * rng.NextDouble());

    /// <summary>The kernel's fill mode for Keras's name; unknown names list the known ones.</summary>
    public static ImageFillMode ParseFillMode(string layer, string fillMode)
    {
        ArgumentNullException.ThrowIfNull(fillMode);
        return fillMode switch
        {
            "reflect" => ImageFillMode.Reflect,
            "wrap" => ImageFillMode.Wrap,
            "constant" => ImageFillMode.Constant,
            "nearest" => ImageFillMode.Nearest,
            _ => throw new ArgumentException($"{layer}: {KnownNames.UnknownMessage("fillMode", fillMode, FillModes)}", nameof(fillMode)),
        };
    }

    /// <summary>The kernel's interpolation for Keras's name; unknown names list the known ones.</summary>
    public static ImageInterpolation ParseInterpolation(string layer, string interpolation)
    {
        ArgumentNullException.ThrowIfNull(interpolation);
        return interpolation switch
        {
            "nearest" => ImageInterpolation.Nearest,
            "bilinear" => ImageInterpolation.Bilinear,
            _ => throw new ArgumentException($"{layer}: {KnownNames.UnknownMessage("interpolation", interpolation, Interpolations)}", nameof(interpolation)),
        };
    }

    /// <summary>
    /// Checks that every number given for a factor lies in [-1, 1] (Keras's rule for these layers; <paramref name="meaning"/>
    /// says what the numbers are), and returns it.
    /// </summary>
    public static RandomFactor CheckFactor(string layer, string argument, RandomFactor factor, string meaning)
    {
        // One number is held in both First and Second.
        foreach (double v in (ReadOnlySpan<double>)[factor.First, factor.Second])
        {
            if (!(v >= -1.0 && v <= 1.0))
            {
                throw new ArgumentOutOfRangeException(argument, v, string.Create(CultureInfo.InvariantCulture,
                    $"{layer}: {argument} should be a number (or a pair of two numbers) in the range [-1.0, 1.0], {meaning}, but received {argument}={factor}."));
            }
        }

        return factor;
    }

    /// <summary>The value Keras writes for a factor: a number, or a list of the pair as given.</summary>
    public static object FactorConfig(RandomFactor factor) => factor.IsPair ? new[] { factor.First, factor.Second } : factor.First;

    /// <summary>A factor read back from a config: a number or a list of two numbers.</summary>
    public static RandomFactor? ReadFactor(IReadOnlyDictionary<string, object?> config, string key)
    {
        if (!config.TryGetValue(key, out object? v) || v is null || v is JsonElement { ValueKind: JsonValueKind.Null })
        {
            return null;
        }

        if (TryNumber(v, out double single))
        {
            return single;
        }

        IEnumerable<object?>? items = v switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => (object?)x),
            string => null,
            System.Collections.IEnumerable list => list.Cast<object?>(),
            _ => null,
        };
        double[]? pair = items?.Select(x => x is not null && TryNumber(x, out double d) ? d : double.NaN).ToArray();
        return pair is { Length: 2 } && !double.IsNaN(pair[0]) && !double.IsNaN(pair[1])
            ? (pair[0], pair[1])
            : throw new ArgumentException($"Config key '{key}' should hold a number or a list of two numbers, but holds {v}.");
    }

    /// <summary>A factor the config must hold.</summary>
    public static RandomFactor GetFactor(IReadOnlyDictionary<string, object?> config, string key) =>
        ReadFactor(config, key) ?? throw new ArgumentException($"The config has no '{key}', which this layer needs.");

    /// <summary>A number read from a config, or <paramref name="fallback"/> when absent.</summary>
    public static double GetDouble(IReadOnlyDictionary<string, object?> config, string key, double fallback)
    {
        if (!config.TryGetValue(key, out object? v) || v is null || v is JsonElement { ValueKind: JsonValueKind.Null })
        {
            return fallback;
        }

        return TryNumber(v, out double d) ? d : throw new ArgumentException($"Config key '{key}' should hold a number, but holds {v}.");
    }

    /// <summary>Refuses configs written for channels-first images, which these layers do not take.</summary>
    public static void CheckDataFormat(IReadOnlyDictionary<string, object?> config, string layer)
    {
        string format = ConfigValues.GetString(config, "data_format", null) ?? "channels_last";
        if (format != "channels_last")
        {
            throw new ArgumentException(
                $"{layer}: only channels-last images [batch, height, width, channels] are supported, but the config has data_format '{format}'. " +
                "Transpose the images to channels-last and save the layer with data_format 'channels_last'.");
        }
    }

    private static bool TryNumber(object v, out double value)
    {
        (bool ok, value) = v switch
        {
            double d => (true, d),
            float f => (true, f),
            int i => (true, i),
            long l => (true, l),
            decimal m => (true, (double)m),
            JsonElement { ValueKind: JsonValueKind.Number } e => (true, e.GetDouble()),
            _ => (false, 0.0),
        };
        return ok;
    }
}
