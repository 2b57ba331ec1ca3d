using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers;

// The Layer base class's own checks; the layer harness covers the contract every layer inherits.
public sealed class LayerTests
{
    [Fact]
    public void An_input_shape_with_a_zero_or_negative_length_names_the_layer_and_the_shape()
    {
        AssertEx.Throws<ArgumentException>(() => new Dense(4, inputShape: [0]),
            "Dense: inputShape must hold positive lengths (or -1 for unknown), but received [0].");
        AssertEx.Throws<ArgumentException>(() => new Flatten(inputShape: [28, -3]), "Flatten: inputShape", "received [28, -3]");
    }
}
