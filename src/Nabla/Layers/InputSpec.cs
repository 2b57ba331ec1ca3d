using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// What a layer accepts as input: rank bounds and fixed lengths of given axes (Keras's <c>InputSpec</c>).
/// Set in a layer's constructor and tightened in <c>Build</c>; <see cref="Layer.Apply(Tensor, bool)"/> checks it
/// on every call, so layers never re-implement rank checks.
/// </summary>
public sealed class InputSpec
{
    /// <summary>Creates a spec; every constraint is optional.</summary>
    /// <param name="rank">The exact rank required (batch axis included), or null.</param>
    /// <param name="minRank">The smallest rank accepted, or null.</param>
    /// <param name="maxRank">The largest rank accepted, or null.</param>
    /// <param name="axes">Required lengths by axis (negative axes count from the end), e.g. <c>{ [-1] = 784 }</c>.</param>
    public InputSpec(int? rank = null, int? minRank = null, int? maxRank = null, IReadOnlyDictionary<int, int>? axes = null)
    {
        Rank = rank;
        MinRank = minRank;
        MaxRank = maxRank;
        Axes = axes ?? new Dictionary<int, int>();
        _axes = [.. Axes.Select(kv => (kv.Key, kv.Value))];
    }

    // The axes as an array, so that the check made on every call enumerates without allocating.
    private readonly (int Axis, int Length)[] _axes;

    /// <summary>The exact rank required, or null.</summary>
    public int? Rank { get; }

    /// <summary>The smallest rank accepted, or null.</summary>
    public int? MinRank { get; }

    /// <summary>The largest rank accepted, or null.</summary>
    public int? MaxRank { get; }

    /// <summary>Required lengths by axis.</summary>
    public IReadOnlyDictionary<int, int> Axes { get; }

    /// <summary>
    /// Throws <see cref="ShapeMismatchException"/> when <paramref name="shape"/> (batch axis first; -1 for an
    /// unknown length) breaks the spec, naming the layer, what it expects and what it received.
    /// </summary>
    internal void Check(Layer layer, ReadOnlySpan<int> shape)
    {
        int r = shape.Length;
        if (Rank is int rank && r != rank)
        {
            throw Fail(layer, $"rank {rank}", shape, $"expects input of rank {rank}, but received shape {Format(shape)} (rank {r}).");
        }

        if (MinRank is int min && r < min)
        {
            throw Fail(layer, $"rank >= {min}", shape, $"expects input of rank at least {min}, but received shape {Format(shape)} (rank {r}).");
        }

        if (MaxRank is int max && r > max)
        {
            throw Fail(layer, $"rank <= {max}", shape, $"expects input of rank at most {max}, but received shape {Format(shape)} (rank {r}).");
        }

        foreach ((int axis, int length) in _axes)
        {
            int a = axis < 0 ? axis + r : axis;
            if (a < 0 || a >= r)
            {
                throw Fail(layer, $"axis {axis} of length {length}", shape, $"expects input with an axis {axis} of length {length}, but received shape {Format(shape)}.");
            }

            if (shape[a] != length && shape[a] != -1)
            {
                string which = axis == -1 ? "last axis" : $"axis {axis}";
                string hint = axis == -1 && r > 2 && a > 0 && Product(shape[1..]) == length
                    ? $"\n  Add a Flatten layer before it, or give the first layer inputShape: [{length}]."
                    : string.Empty;
                throw Fail(layer, $"{which} {length}", shape, $"expects input with {which} {length}, but received shape {Format(shape)}.{hint}");
            }
        }
    }

    private static ShapeMismatchException Fail(Layer layer, string expected, ReadOnlySpan<int> shape, string what) =>
        new(layer.Name, expected, Format(shape), $"Layer {layer.Describe()} {what}");

    private static int Product(ReadOnlySpan<int> dims)
    {
        int p = 1;
        foreach (int d in dims)
        {
            p *= d;
        }

        return p;
    }

    private static string Format(ReadOnlySpan<int> shape) => ShapeUtil.Format(shape).Replace("-1", "None", StringComparison.Ordinal);
}
