namespace Nabla.Optimizers;

/// <summary>Constructor checks shared by the optimizers, with one message template (STYLE.md R5, R7).</summary>
internal static class Hyperparameters
{
    /// <summary>value ≥ 0 and finite.</summary>
    public static void NonNegative(Optimizer who, float value, string name)
    {
        if (!(value >= 0f) || !float.IsFinite(value))
        {
            throw Fail(who, name, "a non-negative finite number", value);
        }
    }

    /// <summary>value &gt; 0 and finite.</summary>
    public static void Positive(Optimizer who, float value, string name)
    {
        if (!(value > 0f) || !float.IsFinite(value))
        {
            throw Fail(who, name, "a positive finite number", value);
        }
    }

    /// <summary>Unset, or &gt; 0 and finite.</summary>
    public static void PositiveIfSet(Optimizer who, float? value, string name)
    {
        if (value is float v)
        {
            Positive(who, v, name);
        }
    }

    /// <summary>low ≤ value ≤ high, or low ≤ value &lt; high when <paramref name="highExclusive"/>.</summary>
    public static void InRange(Optimizer who, float value, string name, float low, float high, bool highExclusive)
    {
        bool ok = value >= low && (highExclusive ? value < high : value <= high);
        if (!ok)
        {
            throw Fail(who, name, $"in [{low}, {high}{(highExclusive ? ")" : "]")}", value);
        }
    }

    private static ArgumentOutOfRangeException Fail(Optimizer who, string name, string expected, float value) =>
        new(name, value, $"{who.GetType().Name} optimizer '{who.Name}': {name} must be {expected}, but received {value}.");
}
