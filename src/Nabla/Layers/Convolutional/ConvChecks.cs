using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>What the convolution layers check and compute alike: filters and groups, input channels, the fused op.</summary>
internal static class ConvChecks
{
    /// <summary>Keras's constructor checks of <c>filters</c> and <c>groups</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, or groups do not divide the filters.</exception>
    public static void FiltersAndGroups(string layer, int filters, int groups)
    {
        if (filters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters,
                $"{layer}: filters must be a strictly positive value, but received filters={filters}.");
        }

        if (groups < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups,
                $"{layer}: the number of groups must be a positive integer, but received groups={groups}.");
        }

        if (filters % groups != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups,
                $"{layer}: the number of filters must be evenly divisible by the number of groups, but received groups={groups}, filters={filters}.");
        }
    }

    /// <summary>A multiplier (DepthwiseConv2D, SeparableConv2D) must be positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not.</exception>
    public static void DepthMultiplier(string layer, int depthMultiplier)
    {
        if (depthMultiplier < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), depthMultiplier,
                $"{layer}: depthMultiplier must be a strictly positive value, but received depthMultiplier={depthMultiplier}.");
        }
    }

    /// <summary>The input's channel count, known and divisible by <paramref name="groups"/>, for <c>Build</c>.</summary>
    /// <exception cref="ShapeMismatchException">The channels are unknown or not a multiple of the groups.</exception>
    public static int InputChannels(Layer layer, int[] inputShape, int groups)
    {
        int channels = inputShape[^1];
        string shape = ShapeUtil.Format(inputShape).Replace("-1", "None", StringComparison.Ordinal);
        if (channels < 1)
        {
            throw new ShapeMismatchException(layer.Name, "a known number of channels", shape,
                $"Layer {layer.Describe()} expects input with a known number of channels (last axis), but received shape {shape}.");
        }

        if (channels % groups != 0)
        {
            throw new ShapeMismatchException(layer.Name, $"channels divisible by groups={groups}", shape,
                $"Layer {layer.Describe()} expects the number of input channels to be evenly divisible by the number of groups, " +
                $"but received groups={groups} and an input with {channels} channels (full input shape {shape}).");
        }

        return channels;
    }

    /// <summary>
    /// The fused convolution (or, with <paramref name="transpose"/>, transposed convolution) with the layer's activation:
    /// built-in activations run inside the op; softmax and sigmoid (which keep their logits for the cross-entropies)
    /// and custom activations run after it, as Dense runs them.
    /// </summary>
    public static Tensor Fused(ActivationFunction activation, Tensor x, Tensor kernel, Tensor? bias, in Conv2DGeometry geometry, bool transpose = false)
    {
        ActivationDescriptor inside = activation.Fusable ?? ActivationTable.Linear;
        Tensor y = transpose
            ? Ops.Conv2DTranspose(x, kernel, bias, in geometry, inside)
            : Ops.Conv2D(x, kernel, bias, in geometry, inside);
        return ReferenceEquals(inside, activation.Descriptor) ? y : activation.Apply(y);
    }
}
