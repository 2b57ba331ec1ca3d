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
    private static readonly Dictionary<string, Func<Initializer>> s_byName = new()
    {
        ["constant"] = () => new Constant(),
        ["glorot_normal"] = () => new GlorotNormal(),
        ["glorot_uniform"] = () => new GlorotUniform(),
        ["he_normal"] = () => new HeNormal(),
        ["he_uniform"] = () => new HeUniform(),
        ["lecun_normal"] = () => new LecunNormal(),
        ["lecun_uniform"] = () => new LecunUniform(),
        ["ones"] = () => new Ones(),
        ["random_normal"] = () => new RandomNormal(),
        ["random_uniform"] = () => new RandomUniform(),
        ["truncated_normal"] = () => new TruncatedNormal(),
        ["variance_scaling"] = () => new VarianceScaling(),
        ["zeros"] = () => new Zeros(),
    };

    // Keras also accepts the class names and a few short aliases; they are not listed in error messages.
    private static readonly Dictionary<string, string> s_aliases = new()
    {
        ["Constant"] = "constant",
        ["GlorotNormal"] = "glorot_normal",
        ["GlorotUniform"] = "glorot_uniform",
        ["HeNormal"] = "he_normal",
        ["HeUniform"] = "he_uniform",
        ["LecunNormal"] = "lecun_normal",
        ["LecunUniform"] = "lecun_uniform",
        ["Ones"] = "ones",
        ["RandomNormal"] = "random_normal",
        ["RandomUniform"] = "random_uniform",
        ["TruncatedNormal"] = "truncated_normal",
        ["VarianceScaling"] = "variance_scaling",
        ["Zeros"] = "zeros",
        ["uniform"] = "random_uniform",
        ["normal"] = "random_normal",
        ["one"] = "ones",
        ["zero"] = "zeros",
    };

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
        string key = s_aliases.TryGetValue(name, out string? canonical) ? canonical : name;
        if (s_byName.TryGetValue(key, out Func<Initializer>? create))
        {
            return create();
        }

        throw new ArgumentException(KnownNames.UnknownMessage("initializer", name, [.. s_byName.Keys], [.. s_aliases.Keys]), nameof(name));
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
        var c = new ConfigReader(className, config);
        string key = s_aliases.TryGetValue(className, out string? canonical) ? canonical : className;
        return key switch
        {
            "constant" => new Constant(c.Float("value", 0f)),
            "glorot_normal" => new GlorotNormal(c.Seed()),
            "glorot_uniform" => new GlorotUniform(c.Seed()),
            "he_normal" => new HeNormal(c.Seed()),
            "he_uniform" => new HeUniform(c.Seed()),
            "lecun_normal" => new LecunNormal(c.Seed()),
            "lecun_uniform" => new LecunUniform(c.Seed()),
            "ones" => new Ones(),
            "zeros" => new Zeros(),
            "random_normal" => new RandomNormal(c.Float("mean", 0f), c.Float("stddev", 0.05f), c.Seed()),
            "random_uniform" => new RandomUniform(c.Float("minval", -0.05f), c.Float("maxval", 0.05f), c.Seed()),
            "truncated_normal" => new TruncatedNormal(c.Float("mean", 0f), c.Float("stddev", 0.05f), c.Seed()),
            "variance_scaling" => new VarianceScaling(
                c.Float("scale", 1f), c.String("mode", "fan_in"), c.String("distribution", "truncated_normal"), c.Seed()),
            _ => throw new ArgumentException(KnownNames.UnknownMessage("initializer", className, [.. s_byName.Keys], [.. s_aliases.Keys]), nameof(className)),
        };
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

    /// <summary>Typed access to a config dictionary, with errors that name the class and the key.</summary>
    private readonly struct ConfigReader(string className, IReadOnlyDictionary<string, object?> config)
    {
        public float Float(string key, float fallback) => config.TryGetValue(key, out object? v) && v is not null
            ? v is IConvertible n ? Convert.ToSingle(n, System.Globalization.CultureInfo.InvariantCulture) : throw Bad(key, "a number", v)
            : fallback;

        public string String(string key, string fallback) => config.TryGetValue(key, out object? v) && v is not null
            ? v as string ?? throw Bad(key, "a string", v)
            : fallback;

        public int? Seed() => config.TryGetValue("seed", out object? v) && v is not null
            ? v is IConvertible n ? Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture) : throw Bad("seed", "an integer or null", v)
            : null;

        private ArgumentException Bad(string key, string expected, object value) =>
            new($"{className} config: '{key}' must be {expected}, but received {value} ({value.GetType().Name}).", nameof(config));
    }
}
