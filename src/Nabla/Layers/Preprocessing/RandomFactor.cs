using System.Globalization;

namespace Nabla.Layers;

/// <summary>
/// The range an augmentation layer draws from, written as Keras writes its <c>factor</c>, <c>height_factor</c> and
/// <c>width_factor</c> arguments: one number f, meaning the range [−|f|, |f|], or a <c>(lower, upper)</c> pair.
/// </summary>
/// <remarks>
/// Both forms convert implicitly, so a layer takes <c>0.2</c> or <c>(-0.2, 0.3)</c> where it takes a factor. A pair
/// given in decreasing order is sorted, as Keras 3 sorts it. The layer that takes the factor checks its range and
/// says what each bound means (a fraction of the height, of a full turn…).
/// </remarks>
/// <example>
/// <code>
/// new RandomTranslation(heightFactor: 0.1, widthFactor: (-0.2, 0.3))
/// </code>
/// </example>
public readonly struct RandomFactor : IEquatable<RandomFactor>
{
    private RandomFactor(double first, double second, bool isPair)
    {
        (First, Second, IsPair) = (first, second, isPair);
    }

    /// <summary>The number given, or the first of the pair, as given.</summary>
    public double First { get; }

    /// <summary>The second of the pair as given; for one number, the same as <see cref="First"/>.</summary>
    public double Second { get; }

    /// <summary>True when the factor was given as a (lower, upper) pair.</summary>
    public bool IsPair { get; }

    /// <summary>The lower end of the range: −|f| for one number, the smaller of a pair.</summary>
    public double Lower => IsPair ? Math.Min(First, Second) : -Math.Abs(First);

    /// <summary>The upper end of the range: |f| for one number, the larger of a pair.</summary>
    public double Upper => IsPair ? Math.Max(First, Second) : Math.Abs(First);

    /// <summary>One number f: the range [−|f|, |f|].</summary>
    /// <param name="value">The number.</param>
    public static implicit operator RandomFactor(double value) => new(value, value, isPair: false);

    /// <summary>A (lower, upper) pair: the range between them.</summary>
    /// <param name="range">The two bounds, in either order.</param>
    public static implicit operator RandomFactor((double Lower, double Upper) range) => new(range.Lower, range.Upper, isPair: true);

    /// <summary>One number f: the range [−|f|, |f|] (the named form of the implicit conversion).</summary>
    /// <param name="value">The number.</param>
    /// <returns>The factor.</returns>
    public static RandomFactor FromDouble(double value) => value;

    /// <summary>A (lower, upper) pair (the named form of the implicit conversion).</summary>
    /// <param name="lower">One bound.</param>
    /// <param name="upper">The other bound.</param>
    /// <returns>The factor.</returns>
    public static RandomFactor FromRange(double lower, double upper) => (lower, upper);

    /// <summary>Whether two factors were given alike (the same form and numbers).</summary>
    /// <param name="left">One factor.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(RandomFactor left, RandomFactor right) => left.Equals(right);

    /// <summary>Whether two factors were given differently.</summary>
    /// <param name="left">One factor.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(RandomFactor left, RandomFactor right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(RandomFactor other) => IsPair == other.IsPair && First.Equals(other.First) && Second.Equals(other.Second);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RandomFactor other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(First, Second, IsPair);

    /// <summary>The factor as given: <c>0.2</c> or <c>(-0.2, 0.3)</c>.</summary>
    public override string ToString() => IsPair
        ? string.Create(CultureInfo.InvariantCulture, $"({First}, {Second})")
        : First.ToString(CultureInfo.InvariantCulture);
}
