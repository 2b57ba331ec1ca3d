namespace Nabla.Kernels;

/// <summary>How an image transform reads the input between pixel centres (Keras's <c>interpolation</c>).</summary>
internal enum ImageInterpolation
{
    /// <summary>The pixel whose centre is nearest (ties away from zero, as TensorFlow's <c>round</c>).</summary>
    Nearest,

    /// <summary>The four surrounding pixels, weighted by their distances along each axis.</summary>
    Bilinear,
}
