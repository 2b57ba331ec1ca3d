using System.Numerics.Tensors;
using Nabla.Autodiff;
using Nabla.Tensors;

namespace Nabla.Optimizers;

// One update: validate, clip, decay, update, count. The span overload is the trainer's allocation-free path; the
// public overloads copy their arguments into arrays and forward to it.
public abstract partial class Optimizer
{
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
        var g = new Tensor[grads.Count];
        var v = new Variable[variables.Count];
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = grads[i];
        }

        for (int i = 0; i < v.Length; i++)
        {
            v[i] = variables[i] ?? throw new ArgumentException($"Optimizer '{Name}': variables[{i}] is null.", nameof(variables));
        }

        Apply(g, v);
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
        bool any = false;
        for (int i = 0; i < grads.Length; i++)
        {
            int slot = SlotOf(variables[i], i);
            if (grads[i] is Tensor g)
            {
                CheckShape(g, _variables[slot]);
                any = true;
            }
        }

        if (!any)
        {
            throw new ArgumentException($"Optimizer '{Name}': no gradients provided for any variable (all {grads.Length} are null).", nameof(grads));
        }

        float lr = LearningRate;
        float globalScale = GlobalClipnorm is float limit ? GlobalScale(grads, limit) : 1f;
        float decay = WeightDecay is float wd ? wd * lr : 0f;
        PrepareStep(lr);
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not Tensor g)
            {
                continue;
            }

            int slot = SlotOf(variables[i], i);
            Span<float> w = _variables[slot].Value.Span;
            if (decay != 0f)
            {
                // Decoupled weight decay, before the update as Keras's base optimizer: w = w - w·(wd·lr).
                TensorPrimitives.MultiplyAdd(w, -decay, w, w);
            }

            UpdateStep(w, Clip(g.Span, globalScale), slot, lr);
        }

        Iterations++;
    }

    /// <summary>
    /// The slot index of a variable: its position in the build list. The trainer passes the variables in build
    /// order, so position <paramref name="position"/> is checked before the dictionary.
    /// </summary>
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
}
