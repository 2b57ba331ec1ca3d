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

    private static ArgumentException Unknown(string name) =>
        new(KnownNames.UnknownMessage("activation", name, Names), "activation");
}
