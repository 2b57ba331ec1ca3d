using Nabla.Autodiff;

namespace Nabla.Regularizers;

/// <summary>L2 penalty: <c>l2 · Σw²</c> (Keras's <c>keras.regularizers.L2</c>; no factor ½).</summary>
public sealed class L2 : Regularizer
{
    /// <summary>Creates the penalty.</summary>
    /// <param name="l2">The strength (default 0.01, as Keras).</param>
    public L2(double l2 = 0.01)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(l2);
        Strength = (float)l2;
    }

    /// <summary>The strength <c>l2</c>.</summary>
    public float Strength { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor weights) => Ops.Multiply(Ops.Sum(Ops.Square(weights)), Strength);

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig() => new() { ["l2"] = Strength };
}
