using Nabla.Initializers;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>Initializers and regularizers as layer configs hold them: Keras's <c>{"class_name", "config"}</c> objects.</summary>
internal static class WeightConfig
{
    /// <summary>An initializer's serialized form.</summary>
    public static Dictionary<string, object?> Of(Initializer initializer) =>
        ConfigValues.Describe(initializer.GetType().Name, initializer.GetConfig());

    /// <summary>A regularizer's serialized form, or null for none.</summary>
    public static Dictionary<string, object?>? Of(Regularizer? regularizer) =>
        regularizer is null ? null : ConfigValues.Describe(regularizer.GetType().Name, regularizer.GetConfig());

    /// <summary>Refuses a config whose <c>data_format</c> is not channels-last, the only layout the layers compute.</summary>
    /// <exception cref="ArgumentException">The config asks for another layout.</exception>
    public static void RequireChannelsLast(IReadOnlyDictionary<string, object?> config, string layer)
    {
        string format = ConfigValues.GetString(config, "data_format", "channels_last")!;
        if (format != "channels_last")
        {
            throw new ArgumentException(
                $"{layer}: the config has data_format '{format}', but Nabla's layers compute channels-last tensors ([batch, height, width, channels]) only. " +
                "Transpose the data to channels-last and save the model with data_format 'channels_last'.");
        }
    }
}
