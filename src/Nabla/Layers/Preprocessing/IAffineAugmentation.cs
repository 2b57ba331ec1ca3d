using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>An augmentation layer that moves pixels by one affine transform per image (translation, rotation, zoom).</summary>
internal interface IAffineAugmentation
{
    /// <summary>How the input is read between pixel centres.</summary>
    ImageInterpolation Sampling { get; }

    /// <summary>How the input extends beyond its edges.</summary>
    ImageFillMode Fill { get; }

    /// <summary>The value outside the input in constant fill mode.</summary>
    float FillWith { get; }

    /// <summary>
    /// Draws one transform per image (six floats each, see <see cref="ImageTransform"/>) for images of
    /// <paramref name="height"/> × <paramref name="width"/> pixels; called with the layer's generator locked.
    /// </summary>
    void DrawTransforms(Span<float> transforms, int height, int width);
}
