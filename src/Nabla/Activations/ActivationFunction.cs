using Nabla.Autodiff;

namespace Nabla.Activations;

/// <summary>
/// An activation function, by Keras name or as an object (Keras's <c>keras.activations</c>): <c>linear</c>,
/// <c>relu</c>, <c>sigmoid</c>, <c>tanh</c>, <c>softmax</c>, <c>elu</c>, <c>selu</c>, <c>gelu</c>,
/// <c>leaky_relu</c>, <c>softplus</c>, <c>swish</c> (alias <c>silu</c>), or your own made of <see cref="Ops"/>.
/// </summary>
/// <remarks>
/// Layers take an <see cref="ActivationFunction"/>; a string converts to one implicitly, so
/// <c>new Dense(64, activation: "relu")</c> and <c>new Dense(64, activation: ActivationFunction.Relu)</c> are the
/// same. Built-in activations run fused with <c>Dense</c>; custom ones run after it and train through autodiff.
/// </remarks>
/// <example>
/// <code>
/// var mish = new ActivationFunction("mish", x => x * Ops.Tanh(Ops.Softplus(x)));
/// var layer = new Dense(64, activation: mish);
/// </code>
/// </example>
public sealed class ActivationFunction
{
    private readonly Func<Tensor, Tensor>? _custom;

    /// <summary>A custom activation made of differentiable ops.</summary>
    /// <param name="name">Its name, shown in summaries and configs.</param>
    /// <param name="function">The elementwise function.</param>
    public ActivationFunction(string name, Func<Tensor, Tensor> function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        Name = name;
        _custom = function;
    }

    private ActivationFunction(ActivationDescriptor descriptor, string name)
    {
        Descriptor = descriptor;
        Name = name;
    }

    /// <summary>The identity, <c>linear</c>.</summary>
    public static ActivationFunction Linear { get; } = new(ActivationTable.Linear, "linear");

    /// <summary>max(x, 0).</summary>
    public static ActivationFunction Relu { get; } = new(ActivationTable.Relu, "relu");

    /// <summary>1 / (1 + e^−x).</summary>
    public static ActivationFunction Sigmoid { get; } = new(ActivationTable.Sigmoid, "sigmoid");

    /// <summary>Hyperbolic tangent.</summary>
    public static ActivationFunction Tanh { get; } = new(ActivationTable.Tanh, "tanh");

    /// <summary>Softmax over the last axis.</summary>
    public static ActivationFunction Softmax { get; } = new(ActivationTable.Softmax, "softmax");

    /// <summary>x for x &gt; 0, e^x − 1 otherwise.</summary>
    public static ActivationFunction Elu { get; } = new(ActivationTable.Elu, "elu");

    /// <summary>Scaled ELU with Keras's constants.</summary>
    public static ActivationFunction Selu { get; } = new(ActivationTable.Selu, "selu");

    /// <summary>Gaussian error linear unit, x·Φ(x) (exact, as Keras's default).</summary>
    public static ActivationFunction Gelu { get; } = new(ActivationTable.Gelu, "gelu");

    /// <summary>x for x &gt; 0, 0.2·x otherwise (Keras 3's default slope).</summary>
    public static ActivationFunction LeakyRelu { get; } = new(ActivationTable.LeakyRelu, "leaky_relu");

    /// <summary>log(1 + e^x).</summary>
    public static ActivationFunction Softplus { get; } = new(ActivationTable.Softplus, "softplus");

    /// <summary>x·sigmoid(x) (also called silu).</summary>
    public static ActivationFunction Swish { get; } = new(ActivationTable.Swish, "swish");

    // The built-in functions, one per table entry, that Get hands out.
    private static readonly ActivationFunction[] s_builtIn = [Linear, Relu, Sigmoid, Tanh, Softmax, Elu, Selu, Gelu, LeakyRelu, Softplus, Swish];

    /// <summary>The activation's name.</summary>
    public string Name { get; }

    /// <summary>The built-in kind, or null for a custom function.</summary>
    internal ActivationDescriptor? Descriptor { get; }

    /// <summary>True for the identity.</summary>
    internal bool IsLinear => Descriptor is { IsLinear: true };

    /// <summary>
    /// The built-in kind when a layer's op may run it inside (Dense, the convolutions): every built-in activation but
    /// softmax and sigmoid, whose outputs keep a link to their logits for exact cross-entropies and so run as their own
    /// op; null for those and for custom functions.
    /// </summary>
    internal ActivationDescriptor? Fusable => Descriptor is { KeepsLogits: false } descriptor ? descriptor : null;

    /// <summary>Applies the activation.</summary>
    public Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return _custom is not null ? _custom(x) : Descriptor!.Apply(x);
    }

    /// <summary>An activation by Keras name; null or empty means <c>linear</c>.</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names and the closest one.</exception>
    public static ActivationFunction Get(string? name)
    {
        if (name is not null && Saving.Serialization.TryGetActivation(name, out ActivationFunction? custom))
        {
            return custom;
        }

        ActivationDescriptor descriptor = ActivationTable.Parse(name);
        foreach (ActivationFunction f in s_builtIn)
        {
            if (ReferenceEquals(f.Descriptor, descriptor))
            {
                return f;
            }
        }

        throw new InvalidOperationException($"Activation '{name}' is in the table but has no ActivationFunction.");
    }

    /// <summary>The activation named <paramref name="name"/> (see <see cref="Get"/>).</summary>
    public static implicit operator ActivationFunction(string? name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
