using System.Globalization;
using System.Text.Json;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// The dot product of two inputs, sample by sample, over one axis of each (Keras's <c>Dot</c>, a batch dot product).
/// </summary>
/// <remarks>
/// <para>
/// Inputs: two tensors of rank 2 or 3 with one batch size, whose axes <see cref="Axes"/> have one length. Output: the
/// first input's shape without its dot axis, followed by the second's without its batch and dot axes; [batch, 1]
/// when that leaves only the batch axis. So [b, n]·[b, n] over axes 1 gives [b, 1] (one dot product per sample),
/// and [b, 3, 5]·[b, 10, 3] over axes (1, 2) gives [b, 5, 10]. No weights.
/// </para>
/// <para>
/// With <c>normalize: true</c> each input is first scaled to unit L2 norm along its dot axis
/// (<see cref="Ops.L2Normalize"/>), so the output is the cosine similarity of the samples.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var a = new Input(shape: [8]);
/// var b = new Input(shape: [8]);
/// KerasTensor cosine = new Dot(axes: 1, normalize: true).Apply([a, b]);   // (None, 1)
/// </code>
/// </example>
public sealed class Dot : Merge
{
    // The axes as given: one int for both inputs, or a pair. Keras keeps (and saves) the form it was given.
    private readonly int? _axis;
    private readonly int[] _axes;

    /// <summary>Creates the layer with one dot axis for both inputs.</summary>
    /// <param name="axes">The axis of both inputs to take the product over, batch axis included in the count; negative counts from the end. Not 0.</param>
    /// <param name="normalize">L2-normalise each input along its dot axis first, giving cosine similarity. Default false.</param>
    /// <param name="name">The layer's name (default <c>dot</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axes"/> is 0, the batch axis.</exception>
    public Dot(int axes, bool normalize = false, string? name = null)
        : base(name)
    {
        _axis = axes;
        _axes = [axes, axes];
        Normalize = normalize;
        CheckNotBatchAxis();
    }

    /// <summary>Creates the layer with a dot axis for each input.</summary>
    /// <param name="axes">Two axes: the first input's, then the second's; negative counts from the end. Neither 0.</param>
    /// <param name="normalize">L2-normalise each input along its dot axis first, giving cosine similarity. Default false.</param>
    /// <param name="name">The layer's name (default <c>dot</c>, made unique).</param>
    /// <exception cref="ArgumentException"><paramref name="axes"/> does not hold two axes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An axis is 0, the batch axis.</exception>
    public Dot(int[] axes, bool normalize = false, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length != 2)
        {
            throw new ArgumentException(
                $"Dot: axes should hold two axes, the first input's and the second's, but received [{string.Join(", ", axes)}] " +
                $"({axes.Length} values). Use new Dot(axes: 1) for the same axis in both.", nameof(axes));
        }

        _axes = (int[])axes.Clone();
        Normalize = normalize;
        CheckNotBatchAxis();
    }

    /// <summary>The dot axis of each input, as given (the same twice when one axis was given).</summary>
    public IReadOnlyList<int> Axes => _axes;

    /// <summary>Whether the inputs are L2-normalised along their dot axes first.</summary>
    public bool Normalize { get; }

    /// <inheritdoc/>
    private protected override int MaxInputs => 2;

    /// <summary>The first shape without its dot axis, then the second without its batch and dot axes ([batch, 1] at least).</summary>
    /// <param name="inputShapes">The two input shapes, batch axis first (-1 = unknown).</param>
    /// <exception cref="ArgumentException">The layer did not receive two inputs.</exception>
    /// <exception cref="ShapeMismatchException">A rank is not 2 or 3, the batch sizes differ, or the dot axes' lengths differ.</exception>
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        CheckInputShapes(inputShapes);
        int[] s1 = inputShapes[0], s2 = inputShapes[1];
        (int a1, int a2) = Validate(s1, s2);
        List<int> output = [.. s1];
        output.RemoveAt(a1);
        output.AddRange(s2.Where((_, i) => i != 0 && i != a2));
        if (output.Count == 1)
        {
            output.Add(1);
        }

        if (output[0] < 0 && s2[0] >= 0)
        {
            output[0] = s2[0];
        }

        return [.. output];
    }

    /// <summary>Checks the two batches and takes their batch dot product.</summary>
    /// <param name="inputs">The two batches.</param>
    /// <param name="training">Unused.</param>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        CheckCount(inputs);
        return MergeFunction(inputs);
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        Tensor x = inputs[0], y = inputs[1];
        (int ax, int ay) = Validate(x.Dims, y.Dims);
        if (Normalize)
        {
            x = Ops.L2Normalize(x, ax);
            y = Ops.L2Normalize(y, ay);
        }

        // Both inputs as batches of matrices, the dot axes as the product's inner dimension: a rank-2 x is [b, 1, k] and
        // a rank-2 y is [b, k, 1] (views); a rank-3 input dotted over axis 1 (x) or 2 (y) is used transposed.
        int batch = x.Dim(0), k = x.Dim(ax);
        Span<int> shape = stackalloc int[3];
        Tensor x3 = x.Rank == 3 ? x : Ops.Reshape(x, Fill(shape, batch, 1, k));
        Tensor y3 = y.Rank == 3 ? y : Ops.Reshape(y, Fill(shape, batch, k, 1));
        Tensor product = Ops.MatMul(x3, y3, transposeA: x.Rank == 3 && ax == 1, transposeB: y.Rank == 3 && ay == 2);   // [b, m, n]
        if (x.Rank == 3 && y.Rank == 3)
        {
            return product;
        }

        // Drop the unit axis a rank-2 input brought in: [b, 1, 1] → [b, 1], [b, 1, n] → [b, n], [b, m, 1] → [b, m].
        int length = x.Rank == 2 && y.Rank == 2 ? 1 : product.Dim(x.Rank == 2 ? 2 : 1);
        return Ops.Reshape(product, Fill(shape[..2], batch, length));
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["axes"] = _axis is int axis ? axis : (object)_axes.Clone();
        config["normalize"] = Normalize;
        return config;
    }

    internal static Dot FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        string? name = ConfigValues.GetString(config, "name", null);
        bool normalize = ConfigValues.GetBool(config, "normalize", false);
        bool trainable = ConfigValues.GetBool(config, "trainable", true);
        config.TryGetValue("axes", out object? axes);
        bool single = axes is int or long or JsonElement { ValueKind: JsonValueKind.Number };
        return single
            ? new Dot(ConfigValues.GetInt(config, "axes"), normalize, name) { Trainable = trainable }
            : new Dot(ConfigValues.GetIntArray(config, "axes") ?? throw new ArgumentException("Dot config needs 'axes'."), normalize, name) { Trainable = trainable };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters()
    {
        string axes = _axis is int axis ? axis.ToString(CultureInfo.InvariantCulture) : $"[{_axes[0]}, {_axes[1]}]";
        return Normalize ? $"axes={axes}, normalize=true" : $"axes={axes}";
    }

    private static Span<int> Fill(Span<int> shape, int a, int b, int c = 0)
    {
        shape[0] = a;
        shape[1] = b;
        if (shape.Length > 2)
        {
            shape[2] = c;
        }

        return shape;
    }

    private void CheckNotBatchAxis()
    {
        if (_axes[0] == 0 || _axes[1] == 0)
        {
            throw new ArgumentOutOfRangeException("axes", _axis is int a ? a : (object)$"[{_axes[0]}, {_axes[1]}]",
                "Dot: cannot take the dot product over axis 0, the batch axis. Choose axes from 1 on (or negative axes counting from the end).");
        }
    }

    /// <summary>Checks ranks, batch sizes and the dot axes' lengths (-1 matches any); returns the axes made non-negative.</summary>
    private (int A1, int A2) Validate(ReadOnlySpan<int> s1, ReadOnlySpan<int> s2)
    {
        if (s1.Length is < 2 or > 3 || s2.Length is < 2 or > 3)
        {
            throw Mismatch("inputs of rank 2 or 3", s1, s2,
                $"Layer {Describe()} takes inputs of rank 2 or 3 (batch axis included), but received {Format(s1)} and {Format(s2)} " +
                $"(ranks {s1.Length} and {s2.Length}). Reshape the inputs first.");
        }

        int a1 = ResolveAxis(_axes[0], s1, s2), a2 = ResolveAxis(_axes[1], s2, s1, second: true);
        if (s1[0] >= 0 && s2[0] >= 0 && s1[0] != s2[0])
        {
            throw Mismatch("inputs with one batch size", s1, s2,
                $"Layer {Describe()} cannot take the dot product of inputs with different batch sizes, but received {Format(s1)} and {Format(s2)}.");
        }

        if (s1[a1] >= 0 && s2[a2] >= 0 && s1[a1] != s2[a2])
        {
            throw Mismatch($"axis {a2} of the second input of length {s1[a1]}", s1, s2,
                $"Layer {Describe()} has incompatible input shapes: axis values {s1[a1]} (at axis {a1}) != {s2[a2]} (at axis {a2}). " +
                $"Full input shapes: {Format(s1)} and {Format(s2)}.");
        }

        return (a1, a2);
    }

    private int ResolveAxis(int axis, ReadOnlySpan<int> shape, ReadOnlySpan<int> other, bool second = false)
    {
        int a = axis < 0 ? axis + shape.Length : axis;
        if (a < 0 || a >= shape.Length)
        {
            string which = second ? "second" : "first";
            throw Mismatch($"an input with an axis {axis}", second ? other : shape, second ? shape : other,
                $"Layer {Describe()}: axis {axis} is out of range for the {which} input, of shape {Format(shape)} (rank {shape.Length}).");
        }

        if (a == 0)
        {
            throw Mismatch("a dot axis other than the batch axis", second ? other : shape, second ? shape : other,
                $"Layer {Describe()} cannot take the dot product over axis 0, the batch axis: axis {axis} is axis 0 of the {(second ? "second" : "first")} " +
                $"input, of shape {Format(shape)}. Choose axes from 1 on.");
        }

        return a;
    }

    private ShapeMismatchException Mismatch(string expected, ReadOnlySpan<int> s1, ReadOnlySpan<int> s2, string message) =>
        new(Name, expected, $"{Format(s1)} and {Format(s2)}", message);
}
