using Nabla.Autodiff;

namespace Nabla.Regularizers;

/// <summary>L1 penalty: <c>l1 · Σ|w|</c> (Keras's <c>keras.regularizers.L1</c>).</summary>
public sealed class L1 : Regularizer
{
    /// <summary>Creates the penalty.</summary>
    /// <param name="l1">The strength (default 0.01, as Keras).</param>
    public L1(double l1 = 0.01)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(l1);
        Strength = (float)l1;
    }

    /// <summary>The strength <c>l1</c>.</summary>
    public float Strength { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor weights) => Ops.Multiply(Ops.Sum(Ops.Abs(weights)), Strength);

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig() => new() { ["l1"] = Strength };
}
