using Nabla.Saving;
using Nabla.Tensors;

namespace Nabla.Regularizers;

/// <summary>
/// A penalty on a weight's values added to the training loss (Keras's <c>keras.regularizers.Regularizer</c>).
/// Pass one as <c>kernelRegularizer</c> or <c>biasRegularizer</c> of a layer, as an object or by name
/// (<c>"l1"</c>, <c>"l2"</c>, <c>"l1_l2"</c>).
/// </summary>
public abstract class Regularizer
{
    /// <summary>The penalty for <paramref name="weights"/>, a scalar tensor (differentiable).</summary>
    public abstract Tensor Call(Tensor weights);

    /// <summary>The regularizer's arguments as Keras names them.</summary>
    public abstract Dictionary<string, object?> GetConfig();

    /// <summary>A regularizer by Keras name with Keras's default strength (0.01).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    public static Regularizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Serialization.Get<Regularizer>(name);
    }

    /// <summary>The regularizer named <paramref name="name"/> (see <see cref="Get"/>).</summary>
    public static implicit operator Regularizer(string name) => Get(name);
}
