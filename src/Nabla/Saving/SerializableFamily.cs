using Nabla.Activations;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Regularizers;

namespace Nabla.Saving;

/// <summary>
/// One kind of serializable object (layers, losses…): its base type, the word messages use for it, and the Keras
/// module its built-in classes are written under.
/// </summary>
internal sealed class SerializableFamily(Type baseType, string kind, string module)
{
    public static readonly SerializableFamily Layer = new(typeof(Layer), "layer", "keras.layers");
    public static readonly SerializableFamily Activation = new(typeof(ActivationFunction), "activation", "keras.activations");
    public static readonly SerializableFamily Initializer = new(typeof(Initializer), "initializer", "keras.initializers");
    public static readonly SerializableFamily Regularizer = new(typeof(Regularizer), "regularizer", "keras.regularizers");
    public static readonly SerializableFamily Loss = new(typeof(Loss), "loss", "keras.losses");
    public static readonly SerializableFamily Metric = new(typeof(Metric), "metric", "keras.metrics");
    public static readonly SerializableFamily Optimizer = new(typeof(Optimizer), "optimizer", "keras.optimizers");
    public static readonly SerializableFamily Schedule = new(typeof(LearningRateSchedule), "learning rate schedule", "keras.optimizers.schedules");

    /// <summary>Every family, most specific first (a Model is a Layer).</summary>
    public static readonly SerializableFamily[] All = [Layer, Activation, Initializer, Regularizer, Loss, Metric, Optimizer, Schedule];

    public Type BaseType { get; } = baseType;

    public string Kind { get; } = kind;

    public string Module { get; } = module;

    /// <summary>The family of <paramref name="type"/>, found from its base types.</summary>
    /// <exception cref="ArgumentException">The type belongs to no serializable family.</exception>
    public static SerializableFamily Of(Type type)
    {
        foreach (SerializableFamily f in All)
        {
            if (f.BaseType.IsAssignableFrom(type))
            {
                return f;
            }
        }

        throw new ArgumentException(
            $"{type.FullName} cannot be serialized: only layers, models, activations, initializers, regularizers, losses, " +
            "metrics, optimizers and learning-rate schedules can.", nameof(type));
    }

    /// <inheritdoc/>
    public override string ToString() => Kind;
}
