namespace Nabla.Initializers;

/// <summary>Argument checks shared by the initializers' constructors.</summary>
internal static class Check
{
    public static void StandardDeviation(string who, float stddev)
    {
        if (!(stddev >= 0f) || !float.IsFinite(stddev))
        {
            throw new ArgumentOutOfRangeException(nameof(stddev), stddev, $"{who}: stddev must be a non-negative finite number, but received {stddev}.");
        }
    }
}
