using System.Buffers;
using System.Numerics.Tensors;
using Nabla.Autodiff;
using Nabla.Kernels.Parallel;
using Nabla.Tensors;

namespace Nabla.Optimizers;

// One update: validate, clip, decay, update, count. The span overload is the trainer's allocation-free path; the
// public overloads copy their arguments into pooled arrays and forward to it. Device variables: Optimizer.Device.cs.
public abstract partial class Optimizer
{
    // Below this many elements in one update, splitting it over threads costs more than it saves.
    private const long ParallelMinElements = 1 << 15;

    private float[] _clipped = [];

    /// <summary>
    /// Applies one update: <c>grads[i]</c> to <c>variables[i]</c> (Keras's <c>optimizer.apply</c>). Builds the
    /// slots on the first call; later calls may pass any of the variables it was built with, in any order.
    /// </summary>
    /// <param name="grads">The gradients, each of its variable's shape. A null gradient leaves its variable unchanged.</param>
    /// <param name="variables">The variables to update.</param>
    /// <exception cref="ArgumentException">The lists differ in length, every gradient is null, or a variable is unknown to the built optimizer.</exception>
    /// <exception cref="ShapeMismatchException">A gradient's shape differs from its variable's.</exception>
    public void Apply(IReadOnlyList<Tensor> grads, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(grads);
        ArgumentNullException.ThrowIfNull(variables);

        // Copied into pooled arrays rather than new ones, so that a warm training step written on the public API
        // (Apply(tape.Gradient(loss, weights), weights)) allocates nothing here.
        Tensor[] g = ArrayPool<Tensor>.Shared.Rent(grads.Count);
        Variable[] v = ArrayPool<Variable>.Shared.Rent(variables.Count);
        try
        {
            for (int i = 0; i < grads.Count; i++)
            {
                g[i] = grads[i];
            }

            for (int i = 0; i < variables.Count; i++)
            {
                v[i] = variables[i] ?? throw new ArgumentException($"Optimizer '{Name}': variables[{i}] is null.", nameof(variables));
            }

            Apply(g.AsSpan(0, grads.Count), v.AsSpan(0, variables.Count));
        }
        finally
        {
            ArrayPool<Tensor>.Shared.Return(g, clearArray: true);
            ArrayPool<Variable>.Shared.Return(v, clearArray: true);
        }
    }

    /// <summary>Applies one update to the variables the optimizer was built with, in that order.</summary>
    /// <param name="grads">One gradient per built variable.</param>
    /// <exception cref="InvalidOperationException">The optimizer is not built yet, so it does not know the variables.</exception>
    /// <exception cref="ArgumentException">The number of gradients differs from the number of built variables.</exception>
    public void Apply(IReadOnlyList<Tensor> grads)
    {
        ArgumentNullException.ThrowIfNull(grads);
        if (!IsBuilt)
        {
            throw new InvalidOperationException(
                $"Optimizer '{Name}' received gradients without variables before it was built. " +
                "Call Apply(grads, variables) or Build(variables) first.");
        }

        if (grads.Count != _variables.Length)
        {
            throw new ArgumentException(
                $"Optimizer '{Name}' was built for {_variables.Length} variables, but received {grads.Count} gradients.", nameof(grads));
        }

        Apply(grads, _variables);
    }

    /// <summary>Applies one update from (gradient, variable) pairs (Keras's <c>apply_gradients</c>).</summary>
    /// <param name="gradsAndVars">The pairs.</param>
    /// <exception cref="ArgumentException">Every gradient is null, or a variable is unknown to the built optimizer.</exception>
    /// <exception cref="ShapeMismatchException">A gradient's shape differs from its variable's.</exception>
    public void ApplyGradients(IEnumerable<(Tensor Gradient, Variable Variable)> gradsAndVars)
    {
        ArgumentNullException.ThrowIfNull(gradsAndVars);
        var grads = new List<Tensor>();
        var vars = new List<Variable>();
        foreach ((Tensor gradient, Variable variable) in gradsAndVars)
        {
            grads.Add(gradient);
            vars.Add(variable);
        }

        Apply(grads, vars);
    }

    /// <summary>The trainer's per-step form: no allocation once built (the first call builds).</summary>
    internal void Apply(ReadOnlySpan<Tensor> grads, ReadOnlySpan<Variable> variables)
    {
        if (grads.Length != variables.Length)
        {
            throw new ArgumentException($"Optimizer '{Name}' received {grads.Length} gradients for {variables.Length} variables.", nameof(grads));
        }

        if (grads.Length == 0)
        {
            return;   // Keras: an empty update is a no-op and does not count as a step.
        }

        if (!IsBuilt)
        {
            Build(variables.ToArray());
        }

        // Check everything before changing anything, so that a bad argument never leaves a half-applied update.
        long total = 0;
        for (int i = 0; i < grads.Length; i++)
        {
            int slot = SlotOf(variables[i], i);
            if (grads[i] is Tensor g)
            {
                CheckShape(g, _variables[slot]);
                total += g.Size;
            }
        }

        if (total == 0 && !HasAnyGradient(grads))
        {
            throw new ArgumentException($"Optimizer '{Name}': no gradients provided for any variable (all {grads.Length} are null).", nameof(grads));
        }

        float lr = LearningRate;
        if (_variables.Length > 0 && _variables[0].Value.Memory is not null)
        {
            PrepareStep(lr);
            ApplyOnDevice(grads, variables, lr, WeightDecay is float d ? d * lr : 0f);
            Iterations++;
            return;
        }

        float globalScale = GlobalClipnorm is float limit ? GlobalScale(grads, limit) : 1f;
        PrepareStep(lr);
        // In parallel, each thread takes a fixed share of every variable's rows, the same share every step and the
        // same rows the products that read the weights give that thread (WeightShares), so that its weights,
        // gradients and slots stay in its core's cache from one step to the next.
        bool clips = Clipnorm.HasValue || Clipvalue.HasValue || GlobalClipnorm.HasValue;
        int parts = UpdatesElementwise && !clips && total >= ParallelMinElements ? ParallelRunner.MaxParallelism : 1;
        var update = new UpdateJob(this, grads, variables, lr, WeightDecay is float wd ? wd * lr : 0f, globalScale, parts);
        ParallelRunner.For(parts, ref update);

        Iterations++;
    }

    private static bool HasAnyGradient(ReadOnlySpan<Tensor> grads)
    {
        foreach (Tensor? g in grads)
        {
            if (g is not null)
            {
                return true;
            }
        }

        return false;
    }

    // Updates part 'part' of 'parts' of every variable that has a gradient: the rows of its first axis that
    // WeightShares gives that part (a scalar is one row).
    private void UpdateShare(ReadOnlySpan<Tensor> grads, ReadOnlySpan<Variable> variables, int part, int parts, in UpdateJob job)
    {
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not Tensor g)
            {
                continue;
            }

            int rows = g.Rank == 0 ? 1 : g.Dim(0), rowSize = rows == 0 ? 0 : g.Size / rows;
            int offset = WeightShares.Start(rows, part, parts) * rowSize;
            int length = (WeightShares.Start(rows, part + 1, parts) * rowSize) - offset;
            if (length == 0)
            {
                continue;
            }

            int slot = SlotOf(variables[i], i);
            Span<float> w = _variables[slot].Value.Span.Slice(offset, length);
            if (job.Decay != 0f)
            {
                // Decoupled weight decay, before the update as Keras's base optimizer: w = w - w·(wd·lr).
                TensorPrimitives.MultiplyAdd(w, -job.Decay, w, w);
            }

            ReadOnlySpan<float> gradient = length == g.Size ? Clip(g.Span, job.GlobalScale) : g.Span.Slice(offset, length);
            UpdateStep(w, gradient, slot, offset, job.LearningRate);
        }
    }

    private int SlotOf(Variable variable, int position)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if ((uint)position < (uint)_variables.Length && ReferenceEquals(_variables[position], variable))
        {
            return position;
        }

        return _indexOf.TryGetValue(variable, out int slot) ? slot : throw UnknownVariable(variable);
    }

    private ArgumentException UnknownVariable(Variable variable) => new(
        $"Optimizer '{Name}' was built for {_variables.Length} variables and does not know variable '{variable.Path}' " +
        $"(shape {ShapeUtil.Format(variable.Value.Dims)}). An optimizer only updates the variables it was first built with; " +
        "create a new optimizer for a new set of variables.", "variables");

    private void CheckShape(Tensor gradient, Variable variable)
    {
        if (!ShapeUtil.SameShape(gradient.Dims, variable.Value.Dims))
        {
            string expected = ShapeUtil.Format(variable.Value.Dims), actual = ShapeUtil.Format(gradient.Dims);
            throw new ShapeMismatchException($"Optimizer '{Name}'", expected, actual,
                $"Optimizer '{Name}' received a gradient of shape {actual} for variable '{variable.Path}' of shape {expected}.");
        }
    }

    /// <summary>
    /// Keras's clip_by_global_norm factor: limit·min(1/norm, 1/limit), turned into NaN when the norm is not
    /// finite (so a diverged step poisons the weights visibly instead of being silently rescaled).
    /// </summary>
    private static float GlobalScale(ReadOnlySpan<Tensor> grads, float limit)
    {
        double sumOfSquares = 0;
        foreach (Tensor? g in grads)
        {
            if (g is not null)
            {
                sumOfSquares += TensorPrimitives.SumOfSquares<float>(g.Span);
            }
        }

        double norm = Math.Sqrt(sumOfSquares);
        return (float)((limit * Math.Min(1.0 / norm, 1.0 / limit)) + (norm - norm));
    }

    /// <summary>The gradient after this optimizer's clipping, in scratch memory when clipping changes it.</summary>
    private ReadOnlySpan<float> Clip(ReadOnlySpan<float> g, float globalScale)
    {
        if (Clipnorm is float maxNorm)
        {
            // Keras _clip_by_norm: g·clipnorm / max(‖g‖, clipnorm); a zero gradient stays zero.
            double norm = Math.Sqrt(TensorPrimitives.SumOfSquares<float>(g));
            if (norm <= maxNorm)
            {
                return g;
            }

            Span<float> scaled = _clipped.AsSpan(0, g.Length);
            TensorPrimitives.Multiply(g, (float)(maxNorm / norm), scaled);
            return scaled;
        }

        if (GlobalClipnorm.HasValue)
        {
            if (globalScale == 1f)
            {
                return g;
            }

            Span<float> scaled = _clipped.AsSpan(0, g.Length);
            TensorPrimitives.Multiply(g, globalScale, scaled);
            return scaled;
        }

        if (Clipvalue is float max)
        {
            Span<float> clamped = _clipped.AsSpan(0, g.Length);
            TensorPrimitives.Max(g, -max, clamped);
            TensorPrimitives.Min(clamped, max, clamped);
            return clamped;
        }

        return g;
    }

    // One update as a parallel job: part p of Parts updates its share of every variable (UpdateShare). Shares are
    // whole rows, so two threads write the same cache line only where a row boundary falls inside one. One part runs
    // inline.
    private readonly ref struct UpdateJob(Optimizer owner, ReadOnlySpan<Tensor> grads, ReadOnlySpan<Variable> variables,
        float learningRate, float decay, float globalScale, int parts) : IParallelJob
    {
        private readonly ReadOnlySpan<Tensor> _grads = grads;
        private readonly ReadOnlySpan<Variable> _variables = variables;

        public float LearningRate { get; } = learningRate;

        public float Decay { get; } = decay;

        public float GlobalScale { get; } = globalScale;

        public void Execute(int index) => owner.UpdateShare(_grads, _variables, index, parts, in this);
    }
}
