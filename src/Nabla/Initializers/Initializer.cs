using Nabla.Saving;
using Nabla.Tensors;

namespace Nabla.Initializers;

/// <summary>
/// Creates the starting value of a weight from its shape (Keras's <c>keras.initializers.Initializer</c>).
/// </summary>
/// <remarks>
/// <para>
/// Layers take an initializer for each weight, by object (<c>new HeNormal(seed: 1)</c>) or by Keras name
/// (<c>"he_normal"</c>; strings convert implicitly). <see cref="Get"/> and the conversion create a new instance
/// every time.
/// </para>
/// <para>
/// Random initializers follow Keras 3's seeding rule: an instance returns the same values every time it is called
/// with the same shape, whether it was given a seed or not. An unseeded instance draws its seed once, when it is
/// created, from the global sequence of <see cref="Random"/> (so <see cref="Random.SetSeed"/> makes it
/// reproducible); distinct instances therefore give distinct values. Do not share one instance between several
/// weights that should differ.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// Tensor w = new GlorotUniform(seed: 42).Call(784, 128);
/// Initializer byName = "he_normal";
/// </code>
/// </example>
public abstract class Initializer
{
    /// <summary>A tensor of the given shape filled as this initializer prescribes (Keras's <c>__call__(shape)</c>).</summary>
    /// <param name="shape">The weight's shape, e.g. <c>784, 128</c> for a Dense kernel or <c>3, 3, 1, 32</c> for a Conv2D kernel.</param>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public Tensor Call(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ShapeUtil.Validate($"{GetType().Name} initializer", shape);
        Tensor t = Tensor.Zeros(shape);
        Fill(t.Span, shape);
        return t;
    }

    /// <summary>The initializer's arguments under Keras's config keys (for example <c>seed</c>, <c>stddev</c>).</summary>
    public abstract IReadOnlyDictionary<string, object?> GetConfig();

    /// <summary>
    /// A new initializer named <paramref name="name"/> with Keras's default arguments: <c>glorot_uniform</c>,
    /// <c>glorot_normal</c>, <c>he_normal</c>, <c>he_uniform</c>, <c>lecun_normal</c>, <c>lecun_uniform</c>,
    /// <c>random_normal</c>, <c>random_uniform</c>, <c>truncated_normal</c>, <c>variance_scaling</c>,
    /// <c>zeros</c>, <c>ones</c>, <c>constant</c>; also the class names (<c>GlorotUniform</c>) and Keras's aliases
    /// <c>uniform</c>, <c>normal</c>, <c>one</c>, <c>zero</c>. Case-sensitive, as Keras.
    /// </summary>
    /// <param name="name">The initializer's name.</param>
    /// <exception cref="ArgumentException">No initializer has that name; the message lists the known ones.</exception>
    public static Initializer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Serialization.Get<Initializer>(name);
    }

    /// <summary>
    /// Recreates an initializer from its Keras class name and config, as written by <see cref="GetConfig"/> or found
    /// in a Keras <c>config.json</c>. Numbers may be any numeric type.
    /// </summary>
    /// <param name="className">The class name, e.g. <c>GlorotUniform</c> (snake_case names are accepted too).</param>
    /// <param name="config">The config; missing keys take the constructor defaults.</param>
    /// <exception cref="ArgumentException">The class name is unknown or a value has the wrong type.</exception>
    public static Initializer FromConfig(string className, IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        return Serialization.FromConfig<Initializer>(className, config);
    }

    /// <summary>A new initializer named <paramref name="name"/>, as <see cref="Get"/>.</summary>
    /// <param name="name">The initializer's name.</param>
    public static implicit operator Initializer(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() => GetType().Name;

    /// <summary>The Keras serialized form: module, class name, config.</summary>
    internal IReadOnlyDictionary<string, object?> Serialize() => new Dictionary<string, object?>
    {
        ["module"] = "keras.initializers",
        ["class_name"] = GetType().Name,
        ["config"] = GetConfig(),
        ["registered_name"] = null,
    };

    /// <summary>Writes the initial values of a tensor of shape <paramref name="shape"/> into <paramref name="values"/> (row-major).</summary>
    /// <param name="values">The tensor's elements, zero on entry.</param>
    /// <param name="shape">The tensor's shape (already validated).</param>
    protected abstract void Fill(Span<float> values, ReadOnlySpan<int> shape);
}
