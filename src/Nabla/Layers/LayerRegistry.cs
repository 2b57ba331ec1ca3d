namespace Nabla.Layers;

/// <summary>Recreates layers from their class name and config (Keras's <c>deserialize</c> for layers).</summary>
public static class LayerRegistry
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, object?>, Layer>> s_factories = new(StringComparer.Ordinal)
    {
        ["Dense"] = Dense.FromConfig,
        ["Flatten"] = Flatten.FromConfig,
        ["Reshape"] = Reshape.FromConfig,
        ["Activation"] = Activation.FromConfig,
        ["Dropout"] = Dropout.FromConfig,
        ["Conv2D"] = Conv2D.FromConfig,
        ["Conv1D"] = Conv1D.FromConfig,
        ["DepthwiseConv2D"] = DepthwiseConv2D.FromConfig,
        ["SeparableConv2D"] = SeparableConv2D.FromConfig,
        ["Conv2DTranspose"] = Conv2DTranspose.FromConfig,
        ["MaxPooling2D"] = MaxPooling2D.FromConfig,
        ["AveragePooling2D"] = AveragePooling2D.FromConfig,
        ["MaxPooling1D"] = MaxPooling1D.FromConfig,
        ["GlobalAveragePooling2D"] = GlobalAveragePooling2D.FromConfig,
        ["GlobalMaxPooling2D"] = GlobalMaxPooling2D.FromConfig,
        ["BatchNormalization"] = BatchNormalization.FromConfig,
        ["SpatialDropout2D"] = SpatialDropout2D.FromConfig,
        ["ZeroPadding2D"] = ZeroPadding2D.FromConfig,
        ["Cropping2D"] = Cropping2D.FromConfig,
        ["UpSampling2D"] = UpSampling2D.FromConfig,
        ["InputLayer"] = InputLayerFromConfig,
    };

    /// <summary>The class names that can be recreated.</summary>
    public static IReadOnlyCollection<string> ClassNames => s_factories.Keys;

    /// <summary>Creates a layer of <paramref name="className"/> (e.g. <c>Dense</c>) from its config.</summary>
    /// <param name="className">The layer's class name, as Keras writes it.</param>
    /// <param name="config">What the layer's <c>GetConfig</c> returned.</param>
    /// <exception cref="ArgumentException">The class is unknown, or the config lacks a required value.</exception>
    public static Layer FromConfig(string className, IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        return s_factories.TryGetValue(className, out var factory)
            ? factory(config)
            : throw new ArgumentException(KnownNames.UnknownMessage("layer class", className, [.. s_factories.Keys.Order(StringComparer.Ordinal)]), nameof(className));
    }

    /// <summary>Registers a custom layer class so that models containing it can be recreated from configs.</summary>
    /// <param name="className">The class name written in configs.</param>
    /// <param name="factory">Creates the layer from its config.</param>
    public static void Register(string className, Func<IReadOnlyDictionary<string, object?>, Layer> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(factory);
        lock (s_factories)
        {
            s_factories[className] = factory;
        }
    }

    private static InputLayer InputLayerFromConfig(IReadOnlyDictionary<string, object?> config)
    {
        int[] batchShape = ConfigValues.GetIntArray(config, "batch_shape")
            ?? ConfigValues.GetIntArray(config, "batch_input_shape")
            ?? throw new ArgumentException("InputLayer config needs 'batch_shape'.");
        int? batch = batchShape.Length > 0 && batchShape[0] > 0 ? batchShape[0] : null;
        return new InputLayer(batchShape[1..], batch, ConfigValues.GetString(config, "name", null));
    }
}
