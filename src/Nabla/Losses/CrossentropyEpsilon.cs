namespace Nabla.Losses;

/// <summary>Keras's fuzz factor <c>backend.epsilon()</c>, used to clip probabilities in cross-entropies.</summary>
internal static class CrossentropyEpsilon
{
    /// <summary>1e-7, Keras's default.</summary>
    public const float Value = 1e-7f;
}
