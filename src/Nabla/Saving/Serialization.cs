using System.Reflection;
using Nabla.Activations;
using Nabla.Layers;

namespace Nabla.Saving;

/// <summary>
/// The registry of everything that can be saved and loaded by name: layers, models, activations, initializers,
/// regularizers, losses, metrics, optimizers and learning-rate schedules (Keras's <c>keras.saving</c> object
/// registration, <c>serialize_keras_object</c> and <c>deserialize_keras_object</c>).
/// </summary>
/// <remarks>
/// <para>
/// Built-in classes are known under their Keras class names (<c>Dense</c>, <c>Adam</c>…) and string identifiers
/// (<c>"relu"</c>, <c>"adam"</c>, <c>"sparse_categorical_crossentropy"</c>). Your own classes join with
/// <see cref="Register{T}(Func{IReadOnlyDictionary{string, object}, T}, string?, string?)"/> (or
/// <see cref="Register{T}()"/> for a class implementing <see cref="IKerasSerializable{TSelf}"/>), and your own
/// activation functions with <see cref="RegisterActivation"/>; do it before loading a file that uses them.
/// </para>
/// <para>
/// A serialized object has Keras's form: <c>{"module", "class_name", "config", "registered_name"}</c>. A custom class
/// is written with <c>registered_name</c> <c>"{package}>{name}"</c> and found by it when read back.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// Serialization.Register&lt;Scale&gt;(config => new Scale((float)(double)config["factor"]!, (string?)config["name"]));
/// Model model = Model.Load("with_scale.keras");
/// </code>
/// </example>
public static class Serialization
{
    private static readonly object s_lock = new();
    private static readonly List<Identifier> s_identifiers = [];
    private static readonly Dictionary<(SerializableFamily, string), SerializableClass> s_byClassName = [];
    private static readonly Dictionary<string, SerializableClass> s_byRegisteredName = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, SerializableClass> s_byType = [];
    private static readonly Dictionary<string, ActivationFunction> s_activations = new(StringComparer.Ordinal);

    static Serialization() => BuiltIns.RegisterAll();

    /// <summary>
    /// Registers a custom class so that files containing it load, and so that it is written with a registered name
    /// (Keras's <c>register_keras_serializable</c>).
    /// </summary>
    /// <typeparam name="T">A layer, model, initializer, regularizer, loss, metric, optimizer or learning-rate schedule class.</typeparam>
    /// <param name="fromConfig">Recreates an object from what its <c>GetConfig</c> returned.</param>
    /// <param name="package">The package part of the registered name (default: from <see cref="KerasSerializableAttribute"/>, else <c>Custom</c>).</param>
    /// <param name="name">The class name written to files (default: from the attribute, else the .NET class name).</param>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not of a serializable family, or the name is empty.</exception>
    public static void Register<T>(Func<IReadOnlyDictionary<string, object?>, T> fromConfig, string? package = null, string? name = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(fromConfig);
        KerasSerializableAttribute? attribute = typeof(T).GetCustomAttribute<KerasSerializableAttribute>();
        string className = name ?? attribute?.Name ?? typeof(T).Name;
        string pkg = package ?? attribute?.Package ?? "Custom";
        ArgumentException.ThrowIfNullOrEmpty(className, nameof(name));
        ArgumentException.ThrowIfNullOrEmpty(pkg, nameof(package));
        SerializableFamily family = SerializableFamily.Of(typeof(T));
        var entry = new SerializableClass(family, typeof(T), className, typeof(T).Namespace, $"{pkg}>{className}", c => fromConfig(c));
        lock (s_lock)
        {
            s_byRegisteredName[entry.RegisteredName!] = entry;
            s_byType[typeof(T)] = entry;
            if (!s_byClassName.TryGetValue((family, className), out SerializableClass? existing) || existing.RegisteredName is not null)
            {
                s_byClassName[(family, className)] = entry;
            }
        }
    }

    /// <summary>
    /// Registers a custom class that recreates itself with <see cref="IKerasSerializable{TSelf}.FromConfig"/>; the
    /// registered name comes from its <see cref="KerasSerializableAttribute"/> (default <c>Custom>{class name}</c>).
    /// </summary>
    /// <typeparam name="T">The class.</typeparam>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not of a serializable family.</exception>
    public static void Register<T>()
        where T : class, IKerasSerializable<T> => Register<T>(T.FromConfig);

    /// <summary>
    /// Registers a custom activation under its name, so that layer configs naming it load and
    /// <c>activation: "name"</c> works everywhere a built-in name does.
    /// </summary>
    /// <param name="activation">The activation (made with <c>new ActivationFunction(name, function)</c>).</param>
    /// <exception cref="ArgumentException">The name is that of a built-in activation.</exception>
    public static void RegisterActivation(ActivationFunction activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (activation.Descriptor is not null || Autodiff.ActivationTable.Names.Contains(activation.Name))
        {
            throw new ArgumentException($"RegisterActivation: '{activation.Name}' is a built-in activation and cannot be replaced.", nameof(activation));
        }

        lock (s_lock)
        {
            s_activations[activation.Name] = activation;
        }
    }

    /// <summary>
    /// An object in Keras's serialized form, <c>{"module", "class_name", "config", "registered_name"}</c>, plus
    /// <c>build_config</c> for a built layer (Keras's <c>serialize_keras_object</c>). Models give their whole
    /// architecture; <see cref="Model.ToJson"/> writes it as text.
    /// </summary>
    /// <param name="value">A layer, model, activation, initializer, regularizer, loss, metric, optimizer or schedule.</param>
    /// <exception cref="ArgumentException">The object's class is neither built in nor registered.</exception>
    public static Dictionary<string, object?> Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            Model model => ModelConfig.Serialize(model),
            Layer layer => SerializeLayer(layer),
            ActivationFunction f => new Dictionary<string, object?>
            {
                ["module"] = "keras.activations",
                ["class_name"] = "function",
                ["config"] = f.Name,
                ["registered_name"] = f.Descriptor is null ? $"Custom>{f.Name}" : f.Name,
            },
            _ => SerializeObject(value, KerasConfig.ToKeras(ConfigOf(value))),
        };
    }

    /// <summary>
    /// Recreates an object from its serialized form or a string identifier (Keras's <c>deserialize_keras_object</c>
    /// and the families' <c>get</c>).
    /// </summary>
    /// <typeparam name="T">The family's base type (<c>Layer</c>, <c>Loss</c>…) or a class of it.</typeparam>
    /// <param name="serialized">A dictionary as <see cref="Serialize"/> returns (or parsed from JSON), or an identifier such as <c>"adam"</c>.</param>
    /// <exception cref="ArgumentException">The class is unknown (the message says how to register it) or the config is malformed.</exception>
    public static T Deserialize<T>(object serialized)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(serialized);
        SerializableFamily family = SerializableFamily.Of(typeof(T));
        object result = serialized switch
        {
            string identifier when family == SerializableFamily.Activation => ActivationFunction.Get(identifier),
            string identifier => Get(family, identifier),
            IReadOnlyDictionary<string, object?> d => FromSerialized(family, d, "value"),
            _ => throw new ArgumentException(
                $"Deserialize<{typeof(T).Name}> expects an identifier or a {{\"class_name\", \"config\"}} object, but received {serialized.GetType().Name}.",
                nameof(serialized)),
        };
        return result as T ?? throw new ArgumentException(
            $"Deserialize<{typeof(T).Name}>: the serialized object is a {result.GetType().Name}, not a {typeof(T).Name}.", nameof(serialized));
    }

    /// <summary>Recreates an object of the class Keras calls <paramref name="className"/> from its config (Keras's <c>cls.from_config</c>).</summary>
    /// <typeparam name="T">The family's base type, e.g. <c>Layer</c>.</typeparam>
    /// <param name="className">The class name as files write it (<c>Dense</c>), or a custom class's registered name.</param>
    /// <param name="config">What the object's <c>GetConfig</c> returned.</param>
    /// <exception cref="ArgumentException">The class is unknown (the message says how to register it) or the config is malformed.</exception>
    public static T FromConfig<T>(string className, IReadOnlyDictionary<string, object?> config)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        SerializableFamily family = SerializableFamily.Of(typeof(T));
        SerializableClass entry = Find(family, className, null) ?? throw new ArgumentException(UnknownClassMessage(family, className, null), nameof(className));
        return Create(entry, config) as T ?? throw new ArgumentException($"Class '{className}' does not create a {typeof(T).Name}.", nameof(className));
    }

    /// <summary>The object a string identifier names; unknown names list the known ones and the closest (STYLE.md R7).</summary>
    internal static T Get<T>(string name, string? createAs = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        return (T)Get(SerializableFamily.Of(typeof(T)), name, createAs);
    }

    /// <summary>A custom activation registered under <paramref name="name"/>, if any.</summary>
    internal static bool TryGetActivation(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ActivationFunction? activation)
    {
        lock (s_lock)
        {
            return s_activations.TryGetValue(name, out activation);
        }
    }

    /// <summary>Recreates an object from <c>{"class_name", "config", "registered_name"?}</c>; <paramref name="path"/> names it in errors.</summary>
    internal static object FromSerialized(SerializableFamily family, IReadOnlyDictionary<string, object?> serialized, string path)
    {
        string className = serialized.TryGetValue("class_name", out object? c) && c is string s
            ? s
            : throw new ArgumentException($"{path}: a serialized {family.Kind} needs a string 'class_name', but {(c is null ? "it has none" : $"it holds {c}")}.");
        string? registered = serialized.TryGetValue("registered_name", out object? r) ? r as string : null;
        IReadOnlyDictionary<string, object?> config = serialized.TryGetValue("config", out object? inner)
            ? inner as IReadOnlyDictionary<string, object?> ?? (inner is null ? new Dictionary<string, object?>() : throw new ArgumentException(
                $"{path}.config: the config of {family.Kind} '{className}' must be an object, but holds {inner}."))
            : new Dictionary<string, object?>();
        SerializableClass entry = Find(family, className, registered) ?? throw new ArgumentException($"{path}: {UnknownClassMessage(family, className, registered)}");
        return Create(entry, config);
    }

    /// <summary>What files call <paramref name="type"/>, or null when it is neither built in nor registered.</summary>
    internal static SerializableClass? Describe(Type type)
    {
        lock (s_lock)
        {
            return s_byType.GetValueOrDefault(type);
        }
    }

    /// <summary>Serializes a non-layer object whose Keras config is <paramref name="config"/>.</summary>
    internal static Dictionary<string, object?> SerializeObject(object value, Dictionary<string, object?> config)
    {
        SerializableClass entry = Describe(value.GetType()) ?? throw NotRegistered(value.GetType());
        if (value is Optimizers.Optimizer { Schedule: { } schedule } && Describe(schedule.GetType()) is null)
        {
            // A schedule made from a C# function (LearningRateSchedule.FromFunction) cannot be recreated from a file.
            throw NotRegistered(schedule.GetType());
        }

        return new Dictionary<string, object?>
        {
            ["module"] = entry.Module,
            ["class_name"] = entry.ClassName,
            ["config"] = config,
            ["registered_name"] = entry.RegisteredName,
        };
    }

    /// <summary>A layer (not a model) in Keras's serialized form, with its <c>build_config</c> once built.</summary>
    internal static Dictionary<string, object?> SerializeLayer(Layer layer)
    {
        if (layer is InputLayer input && input.GetType() == typeof(InputLayer))
        {
            // Exactly Keras 3's InputLayer config: its constructor takes a dtype string, not a policy, and no 'trainable'.
            return ModelConfig.InputLayerConfig(input.BatchShape, input.Name);
        }

        Dictionary<string, object?> serialized = SerializeObject(layer, KerasConfig.ToKeras(layer.GetConfig()));
        if (layer.IsBuilt && layer is not InputLayer && layer.BuildShape is int[] shape)
        {
            serialized["build_config"] = new Dictionary<string, object?> { ["input_shape"] = KerasConfig.Shape(shape) };
        }

        return serialized;
    }

    internal static void AddClass(SerializableClass entry, bool describesType = true)
    {
        lock (s_lock)
        {
            s_byClassName[(entry.Family, entry.ClassName)] = entry;
            if (describesType)
            {
                s_byType.TryAdd(entry.Type, entry);
            }
        }
    }

    internal static void AddIdentifier(Identifier identifier)
    {
        lock (s_lock)
        {
            s_identifiers.Add(identifier);
        }
    }

    /// <summary>The class names the registry knows in <paramref name="family"/>, sorted.</summary>
    internal static string[] ClassNames(SerializableFamily family)
    {
        lock (s_lock)
        {
            return [.. s_byClassName.Where(k => k.Key.Item1 == family && k.Key.Item2 == k.Value.ClassName && !IsSnakeAlias(k.Value)).Select(k => k.Key.Item2).Order(StringComparer.Ordinal)];
        }
    }

    internal static SerializableClass? Find(SerializableFamily family, string className, string? registeredName)
    {
        lock (s_lock)
        {
            if (registeredName is not null && s_byRegisteredName.TryGetValue(registeredName, out SerializableClass? custom) && custom.Family == family)
            {
                return custom;
            }

            if (s_byRegisteredName.TryGetValue(className, out custom) && custom.Family == family)
            {
                return custom;
            }

            return s_byClassName.GetValueOrDefault((family, className));
        }
    }

    // A config error names the class it belongs to ("RandomNormal config: 'stddev' must be a number, …").
    private static object Create(SerializableClass entry, IReadOnlyDictionary<string, object?> config)
    {
        try
        {
            return entry.FromConfig(config);
        }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && !e.Message.StartsWith(entry.ClassName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{entry.ClassName} config: {e.Message}", e);
        }
    }

    // Initializers are also registered under their snake_case names, which are not worth listing as classes.
    private static bool IsSnakeAlias(SerializableClass c) => c.ClassName.Contains('_', StringComparison.Ordinal) || char.IsLower(c.ClassName[0]);

    private static object Get(SerializableFamily family, string name, string? createAs = null)
    {
        Identifier? match = null;
        var listed = new List<string>();
        var aliases = new List<string>();
        lock (s_lock)
        {
            foreach (Identifier id in s_identifiers)
            {
                if (id.Family != family)
                {
                    continue;
                }

                (id.Listed ? listed : aliases).Add(id.Name);
                if (match is null && string.Equals(id.Name, name, StringComparison.Ordinal))
                {
                    match = id;
                }
            }

            match ??= s_identifiers.FirstOrDefault(id => id.Family == family && id.IgnoreCase && string.Equals(id.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        return match is not null
            ? match.Create(createAs ?? name)
            : throw new ArgumentException(KnownNames.UnknownMessage(family.Kind, name, listed, aliases), nameof(name));
    }

    private static string UnknownClassMessage(SerializableFamily family, string className, string? registeredName)
    {
        string[] known = ClassNames(family);
        string shown = registeredName is not null && registeredName != className ? $"'{className}' (registered as '{registeredName}')" : $"'{className}'";
        string kind = family == SerializableFamily.Layer ? "layer class" : family.Kind;
        string message = $"Unknown {kind} {shown}. Known: {string.Join(", ", known)}.";
        string? closest = KnownNames.Closest(className, known);
        if (closest is not null && closest != className)
        {
            message += $" Did you mean '{closest}'?";
        }

        return message + $" If '{className}' is your own class, register it before loading: Serialization.Register<{className}>(config => ...), " +
            $"or implement IKerasSerializable<{className}> and call Serialization.Register<{className}>().";
    }

    private static ArgumentException NotRegistered(Type type) => new(
        $"{type.Name} cannot be saved: it is neither a built-in class nor registered. Call Serialization.Register<{type.Name}>(config => ...) " +
        $"(or implement IKerasSerializable<{type.Name}> and call Serialization.Register<{type.Name}>()) so that files can name it and load it back.");

    private static IReadOnlyDictionary<string, object?> ConfigOf(object value) => value switch
    {
        Initializers.Initializer i => i.GetConfig(),
        Regularizers.Regularizer r => r.GetConfig(),
        Losses.Loss l => l.GetConfig(),
        Metrics.Metric m => m.GetConfig(),
        Optimizers.Optimizer o => o.GetConfig(),
        Optimizers.LearningRateSchedule s => s.GetConfig(),
        _ => throw new ArgumentException($"{value.GetType().FullName} is not a serializable object.", nameof(value)),
    };
}
