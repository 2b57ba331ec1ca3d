namespace Nabla.Autodiff;

/// <summary>The activation functions the engine fuses into ops such as <see cref="Ops.Dense(Tensor, Tensor, Tensor?, string?)"/>.</summary>
internal enum ActivationKind
{
    /// <summary>f(x) = x (Keras <c>"linear"</c>, or no activation).</summary>
    Linear,

    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>Softmax over the last axis.</summary>
    Softmax,

    /// <summary>x for x &gt; 0, alpha·(e^x − 1) otherwise (alpha 1 by default).</summary>
    Elu,

    /// <summary>Scaled ELU with Keras's constants.</summary>
    Selu,

    /// <summary>x·Φ(x) (exact by default; the tanh approximation on request).</summary>
    Gelu,

    /// <summary>x for x &gt; 0, negativeSlope·x otherwise (0.2 by default, as Keras 3).</summary>
    LeakyRelu,

    /// <summary>ln(1 + e^x).</summary>
    Softplus,

    /// <summary>x·σ(x) (Keras <c>"swish"</c> or <c>"silu"</c>).</summary>
    Swish,
}

/// <summary>Keras's names for <see cref="ActivationKind"/>s, both ways.</summary>
internal static class ActivationKinds
{
    /// <summary>Every name <see cref="Parse"/> accepts, sorted (used in the error message).</summary>
    internal static readonly string[] Names =
        ["elu", "gelu", "leaky_relu", "linear", "relu", "selu", "sigmoid", "silu", "softmax", "softplus", "swish", "tanh"];

    /// <summary>
    /// The activation Keras calls <paramref name="name"/>; null means linear, as Keras's <c>activations.get(None)</c>.
    /// Names are case-sensitive, as in Keras. Allocation-free for known names (layers parse once, but ops that take a
    /// name run every step).
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names and the closest one.</exception>
    public static ActivationKind Parse(string? name) => name switch
    {
        null or "linear" => ActivationKind.Linear,
        "relu" => ActivationKind.Relu,
        "sigmoid" => ActivationKind.Sigmoid,
        "tanh" => ActivationKind.Tanh,
        "softmax" => ActivationKind.Softmax,
        "elu" => ActivationKind.Elu,
        "selu" => ActivationKind.Selu,
        "gelu" => ActivationKind.Gelu,
        "leaky_relu" => ActivationKind.LeakyRelu,
        "softplus" => ActivationKind.Softplus,
        "swish" or "silu" => ActivationKind.Swish,
        _ => throw Unknown(name),
    };

    /// <summary>The name Keras serializes <paramref name="kind"/> as.</summary>
    /// <remarks>Keras 3's function is named <c>silu</c> (exported also as <c>swish</c>), so swish serializes as "silu".</remarks>
    public static string Name(ActivationKind kind) => kind switch
    {
        ActivationKind.Linear => "linear",
        ActivationKind.Relu => "relu",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Softmax => "softmax",
        ActivationKind.Elu => "elu",
        ActivationKind.Selu => "selu",
        ActivationKind.Gelu => "gelu",
        ActivationKind.LeakyRelu => "leaky_relu",
        ActivationKind.Softplus => "softplus",
        ActivationKind.Swish => "silu",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation kind."),
    };

    private static ArgumentException Unknown(string name)
    {
        string message = $"Unknown activation '{name}'. Known: {string.Join(", ", Names)}.";
        string? closest = Closest(name);
        if (closest is not null)
        {
            message += $" Did you mean '{closest}'?";
        }

        return new ArgumentException(message, "activation");
    }

    /// <summary>
    /// The known name nearest to <paramref name="name"/> by optimal-string-alignment distance (edits plus adjacent
    /// transpositions, ignoring case), or null when even the nearest needs more edits than about half the name.
    /// </summary>
    internal static string? Closest(string name)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        string lower = name.ToLowerInvariant();
        foreach (string candidate in Names)
        {
            int d = Distance(lower, candidate);
            if (d < bestDistance)
            {
                (best, bestDistance) = (candidate, d);
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 2) && bestDistance < name.Length ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
