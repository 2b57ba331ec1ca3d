using Nabla.Autodiff;

namespace Nabla.Regularizers;

/// <summary>Both penalties: <c>l1 · Σ|w| + l2 · Σw²</c> (Keras's <c>keras.regularizers.L1L2</c>).</summary>
public sealed class L1L2 : Regularizer
{
    /// <summary>Creates the penalty.</summary>
    /// <param name="l1">The L1 strength (default 0).</param>
    /// <param name="l2">The L2 strength (default 0).</param>
    public L1L2(double l1 = 0, double l2 = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(l1);
        ArgumentOutOfRangeException.ThrowIfNegative(l2);
        L1Strength = (float)l1;
        L2Strength = (float)l2;
    }

    /// <summary>The L1 strength.</summary>
    public float L1Strength { get; }

    /// <summary>The L2 strength.</summary>
    public float L2Strength { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor weights) =>
        Ops.Add(Ops.Multiply(Ops.Sum(Ops.Abs(weights)), L1Strength), Ops.Multiply(Ops.Sum(Ops.Square(weights)), L2Strength));

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig() => new() { ["l1"] = L1Strength, ["l2"] = L2Strength };
}
