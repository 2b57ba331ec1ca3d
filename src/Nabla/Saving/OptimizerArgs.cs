using Nabla.Optimizers;
using C = Nabla.Layers.ConfigValues;

namespace Nabla.Saving;

/// <summary>The settings every optimizer's config holds (Keras's base optimizer keys), read once for all of them.</summary>
internal readonly record struct OptimizerArgs(
    LearningRateSchedule LearningRate, float? WeightDecay, float? Clipnorm, float? Clipvalue, float? GlobalClipnorm, string Name)
{
    /// <summary>Reads the shared keys, refusing Keras options that Nabla does not implement rather than ignoring them.</summary>
    /// <exception cref="ArgumentException">A value has the wrong type, or the config turns on an option Nabla lacks.</exception>
    public static OptimizerArgs Read(IReadOnlyDictionary<string, object?> c, string defaultName, float defaultLearningRate)
    {
        if (C.GetBool(c, "use_ema", false))
        {
            throw Unsupported("use_ema", "true", "exponential moving averages of the weights");
        }

        foreach (string key in (string[])["loss_scale_factor", "gradient_accumulation_steps"])
        {
            if (c.TryGetValue(key, out object? v) && v is not null)
            {
                throw Unsupported(key, $"{v}", key.Replace('_', ' '));
            }
        }

        if (C.GetFloat(c, "decay", 0f) != 0f)
        {
            throw Unsupported("decay", $"{c["decay"]}", "Keras 2's per-step learning-rate decay (use a LearningRateSchedule)");
        }

        // Keras 2.0–2.2 wrote the rate as "lr".
        string rateKey = c.ContainsKey("learning_rate") ? "learning_rate" : "lr";
        LearningRateSchedule rate = c.TryGetValue(rateKey, out object? lr) && lr is not null
            ? lr is IReadOnlyDictionary<string, object?> schedule ? Serialization.Deserialize<LearningRateSchedule>(schedule) : C.GetFloat(c, rateKey)
            : defaultLearningRate;
        return new OptimizerArgs(rate, C.GetNullableFloat(c, "weight_decay"), C.GetNullableFloat(c, "clipnorm"), C.GetNullableFloat(c, "clipvalue"),
            C.GetNullableFloat(c, "global_clipnorm"), C.GetString(c, "name", defaultName)!);
    }

    private static ArgumentException Unsupported(string key, string value, string what) =>
        new($"Config key '{key}' is {value}, but Nabla's optimizers do not implement {what}; set it to its default to load this optimizer.");
}
