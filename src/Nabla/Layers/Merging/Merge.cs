using System.Diagnostics;
using Nabla.Autodiff;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// The base of the layers that combine a list of inputs into one tensor (Keras's <c>Merge</c>): <see cref="Add"/>,
/// <see cref="Subtract"/>, <see cref="Multiply"/>, <see cref="Average"/>, <see cref="Maximum"/>,
/// <see cref="Minimum"/>, <see cref="Concatenate"/> and <see cref="Dot"/>.
/// </summary>
/// <remarks>
/// <para>
/// A merge layer is applied to a list, <c>new Add().Apply([a, b])</c>, of symbolic tensors (building a functional
/// model) or of batches; applying it to a single tensor is an error. Its computation is <see cref="MergeFunction"/>.
/// </para>
/// <para>
/// The elementwise merges broadcast as Keras does: the inputs share the batch axis (unknown lengths, -1, match any),
/// and after it their shapes broadcast as NumPy's do, aligned at the last axis (each axis equal, or 1 in one of
/// them). An input of lower rank gains axes of length 1 right after the batch axis, so [batch, 4] merges with
/// [batch, 3, 4]. An axis unknown in either input is unknown in the output.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var a = new Input(shape: [16]);
/// var b = new Input(shape: [16]);
/// KerasTensor sum = new Add().Apply([a, b]);   // (None, 16)
/// </code>
/// </example>
public abstract class Merge : Layer
{
    /// <summary>Initializes the layer.</summary>
    /// <param name="name">The layer's name; by default the snake_case class name made unique (<c>add</c>, <c>add_1</c>…).</param>
    protected Merge(string? name = null)
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected sealed override bool TakesInputList => true;

    /// <summary>The fewest inputs the layer takes (2 for the elementwise merges).</summary>
    private protected virtual int MinInputs => 2;

    /// <summary>The most inputs the layer takes (2 for <see cref="Subtract"/> and <see cref="Dot"/>).</summary>
    private protected virtual int MaxInputs => int.MaxValue;

    /// <summary>Combines the inputs, which have passed the layer's checks (Keras's <c>_merge_function</c>).</summary>
    /// <param name="inputs">The inputs, batch axis first; for the elementwise merges, all of one rank.</param>
    protected abstract Tensor MergeFunction(IReadOnlyList<Tensor> inputs);

    /// <inheritdoc/>
    protected override void Build(IReadOnlyList<int[]> inputShapes) => _ = ComputeOutputShape(inputShapes);

    /// <summary>The elementwise merges' output shape: the batch axis, then the broadcast of the other axes.</summary>
    /// <param name="inputShapes">The input shapes, batch axis first (-1 = unknown).</param>
    /// <exception cref="ArgumentException">Too few or too many inputs.</exception>
    /// <exception cref="ShapeMismatchException">Known batch sizes differ, or the other axes do not broadcast.</exception>
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        CheckInputShapes(inputShapes);
        int batch = -1;
        foreach (int[] shape in inputShapes)
        {
            if (shape[0] >= 0 && batch >= 0 && shape[0] != batch)
            {
                throw DifferentBatchSizes(inputShapes);
            }

            batch = shape[0] >= 0 ? shape[0] : batch;
        }

        int[] output = inputShapes[0][1..];
        for (int i = 1; i < inputShapes.Count; i++)
        {
            int[] next = inputShapes[i][1..];
            var result = new int[Math.Max(output.Length, next.Length)];
            if (!TryBroadcast(output, next, result))
            {
                throw IncompatibleShapes(inputShapes[0], inputShapes[i]);
            }

            output = result;
        }

        return [batch, .. output];
    }

    /// <summary>Checks the count, batch sizes and broadcasting of the batches, then runs <see cref="MergeFunction"/>.</summary>
    /// <param name="inputs">The batches.</param>
    /// <param name="training">Unused: merging is the same in training and inference.</param>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        CheckCount(inputs);
        Tensor first = inputs[0];
        int maxRank = first.Rank;
        bool sameRank = true;
        for (int i = 1; i < inputs.Count; i++)
        {
            Tensor x = inputs[i];
            if (x.Rank == 0 || first.Rank == 0 || x.Dim(0) != first.Dim(0))
            {
                throw x.Rank == 0 || first.Rank == 0 ? NeedsBatchAxis(inputs) : DifferentBatchSizes(Shapes(inputs));
            }

            sameRank &= x.Rank == first.Rank;
            maxRank = Math.Max(maxRank, x.Rank);
        }

        if (maxRank > Broadcasting.MaxRank)
        {
            return MergeFunction(inputs);   // the ops report the rank
        }

        // The broadcast is checked here so that an error names the layer; it allocates nothing when the shapes agree.
        Span<int> acc = stackalloc int[maxRank], next = stackalloc int[maxRank];
        int accLength = first.Rank - 1;
        first.Dims[1..].CopyTo(acc);
        for (int i = 1; i < inputs.Count; i++)
        {
            ReadOnlySpan<int> dims = inputs[i].Dims[1..];
            int length = Math.Max(accLength, dims.Length);
            if (!TryBroadcast(acc[..accLength], dims, next[..length]))
            {
                throw IncompatibleShapes(first.Shape, inputs[i].Shape);
            }

            next[..length].CopyTo(acc);
            accLength = length;
        }

        if (sameRank)
        {
            return MergeFunction(inputs);
        }

        // Keras's rule for inputs of different ranks: axes of length 1 are inserted after the batch axis.
        var expanded = new Tensor[inputs.Count];
        Span<int> shape = stackalloc int[maxRank];
        for (int i = 0; i < inputs.Count; i++)
        {
            Tensor x = inputs[i];
            int missing = maxRank - x.Rank;
            shape[0] = x.Dim(0);
            shape[1..(1 + missing)].Fill(1);
            x.Dims[1..].CopyTo(shape[(1 + missing)..]);
            expanded[i] = missing == 0 ? x : Ops.Reshape(x, shape);
        }

        return MergeFunction(expanded);
    }

    /// <summary>Not reachable: a merge layer takes a list, and <see cref="Layer.Apply(Tensor, bool)"/> refuses a single tensor.</summary>
    /// <param name="inputs">A single tensor.</param>
    /// <param name="training">Unused.</param>
    protected sealed override Tensor Call(Tensor inputs, bool training) =>
        throw new UnreachableException($"Layer {Describe()} takes a list of inputs; Apply refuses a single tensor before Call.");

    /// <summary>Checks the number of inputs and that each has a batch axis.</summary>
    private protected void CheckInputShapes(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < MinInputs || inputShapes.Count > MaxInputs)
        {
            throw WrongCount(inputShapes.Count, inputShapes);
        }

        foreach (int[] shape in inputShapes)
        {
            if (shape is null || shape.Length == 0)
            {
                throw new ShapeMismatchException(Name, "inputs with a batch axis", FormatList(inputShapes),
                    $"Layer {Describe()} expects inputs with a batch axis (rank 1 or more), but received {FormatList(inputShapes)}.");
            }
        }
    }

    /// <summary>Checks the number of batches; allocates nothing when it is right.</summary>
    private protected void CheckCount(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count < MinInputs || inputs.Count > MaxInputs)
        {
            throw WrongCount(inputs.Count, Shapes(inputs));
        }
    }

    /// <summary>Formats a shape as Keras prints it in errors, batch axis first: <c>[None, 4]</c> (-1 is None).</summary>
    private protected static string Format(ReadOnlySpan<int> shape) =>
        ShapeUtil.Format(shape).Replace("-1", "None", StringComparison.Ordinal);

    /// <summary>Formats shapes as <c>[None, 4] and [None, 5]</c>, or a comma-separated list for more than two.</summary>
    private protected static string FormatList(IReadOnlyList<int[]?> shapes) =>
        shapes.Count == 2
            ? $"{Format(shapes[0])} and {Format(shapes[1])}"
            : string.Join(", ", shapes.Select(s => s is null ? "null" : Format(s)));

    private protected static int[][] Shapes(IReadOnlyList<Tensor> inputs) => [.. inputs.Select(t => t.Shape)];

    /// <summary>
    /// Broadcasts two shapes aligned at their last axis into <paramref name="result"/> (the longer length), Keras's
    /// way: -1 in either is -1, 1 takes the other's length. False when two known lengths differ and neither is 1.
    /// </summary>
    private static bool TryBroadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> result)
    {
        if (a.Length < b.Length)
        {
            ReadOnlySpan<int> t = a;
            a = b;
            b = t;
        }

        int lead = a.Length - b.Length;
        a[..lead].CopyTo(result);
        for (int i = 0; i < b.Length; i++)
        {
            int p = a[lead + i], q = b[i];
            if (p < 0 || q < 0)
            {
                result[lead + i] = -1;
            }
            else if (p == 1 || q == 1 || p == q)
            {
                result[lead + i] = p == 1 ? q : p;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private ArgumentException WrongCount(int count, IReadOnlyList<int[]?> shapes)
    {
        string expected = MinInputs == MaxInputs ? $"exactly {MinInputs} inputs" : $"a list of at least {MinInputs} inputs";
        string received = count == 0 ? "an empty list" : $"{count}: {FormatList(shapes)}";
        return new ArgumentException($"Layer {Describe()} should be called on {expected}, but received {received}.", "inputs");
    }

    private ShapeMismatchException DifferentBatchSizes(IReadOnlyList<int[]> shapes) =>
        new(Name, "inputs with one batch size", FormatList(shapes),
            $"Layer {Describe()} cannot merge tensors with different batch sizes, but received shapes {FormatList(shapes)}.");

    private ShapeMismatchException NeedsBatchAxis(IReadOnlyList<Tensor> inputs) =>
        new(Name, "inputs with a batch axis", FormatList(Shapes(inputs)),
            $"Layer {Describe()} expects inputs with a batch axis (rank 1 or more), but received {FormatList(Shapes(inputs))}.");

    private ShapeMismatchException IncompatibleShapes(int[] a, int[] b) =>
        new(Name, "shapes that broadcast after the batch axis", $"{Format(a)} and {Format(b)}",
            $"Layer {Describe()} received inputs with incompatible shapes {Format(a)} and {Format(b)}: after the batch axis, each axis " +
            "must be equal in both or 1 in one of them (shapes of different ranks are aligned at their last axis).");
}
