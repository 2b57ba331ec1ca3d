namespace Nabla.Optimizers;

/// <summary>
/// A learning rate that is constant between step boundaries (Keras's
/// <c>keras.optimizers.schedules.PiecewiseConstantDecay</c>).
/// </summary>
/// <remarks>
/// The rate is <c>values[0]</c> while <c>step ≤ boundaries[0]</c>, <c>values[i]</c> while
/// <c>boundaries[i-1] &lt; step ≤ boundaries[i]</c>, and <c>values[^1]</c> after the last boundary.
/// </remarks>
/// <example>
/// <code>
/// // 1.0 for steps 0..100000, 0.5 up to 110000, then 0.1
/// var schedule = new PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1]);
/// </code>
/// </example>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly float[] _values;

    /// <summary>Creates the schedule.</summary>
    /// <param name="boundaries">Strictly increasing step boundaries; copied.</param>
    /// <param name="values">The rates before, between and after the boundaries: one more than <paramref name="boundaries"/>; copied (in single precision).</param>
    /// <param name="name">The schedule's name (default <c>PiecewiseConstant</c>).</param>
    /// <exception cref="ArgumentException">The lengths do not match, or the boundaries are not strictly increasing.</exception>
    public PiecewiseConstantDecay(long[] boundaries, double[] values, string name = "PiecewiseConstant")
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Length != values.Length - 1)
        {
            throw new ArgumentException(
                "The length of boundaries should be 1 less than the length of values. " +
                $"Received: boundaries=[{string.Join(", ", boundaries)}] of length {boundaries.Length}, " +
                $"and values=[{string.Join(", ", values)}] of length {values.Length}.", nameof(values));
        }

        for (int i = 1; i < boundaries.Length; i++)
        {
            if (boundaries[i] <= boundaries[i - 1])
            {
                throw new ArgumentException(
                    $"PiecewiseConstantDecay expects strictly increasing boundaries, but boundaries[{i - 1}]={boundaries[i - 1]} " +
                    $"and boundaries[{i}]={boundaries[i]}.", nameof(boundaries));
            }
        }

        (_boundaries, _values, Name) = ((long[])boundaries.Clone(), Array.ConvertAll(values, v => (float)v), name);
    }

    /// <summary>The step boundaries.</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;

    /// <summary>The rate of each interval.</summary>
    public IReadOnlyList<float> Values => _values;

    /// <summary>The schedule's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(long step)
    {
        // The first boundary the step does not exceed selects the interval (boundaries are inclusive upper ends).
        for (int i = 0; i < _boundaries.Length; i++)
        {
            if (step <= _boundaries[i])
            {
                return _values[i];
            }
        }

        return _values[^1];
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["boundaries"] = _boundaries.Clone(),
        ["values"] = _values.Clone(),
        ["name"] = Name,
    };
}
