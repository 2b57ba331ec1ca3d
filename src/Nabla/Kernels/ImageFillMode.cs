namespace Nabla.Kernels;

/// <summary>
/// How an image transform extends its input beyond the edges, for output pixels that sample outside it (Keras's
/// <c>fill_mode</c>). Shown for a row <c>a b c d</c>.
/// </summary>
internal enum ImageFillMode
{
    /// <summary><c>d c b a | a b c d | d c b a</c>: mirrored about the outer edge of the last pixel.</summary>
    Reflect,

    /// <summary><c>a b c d | a b c d | a b c d</c>: repeated.</summary>
    Wrap,

    /// <summary><c>k k k k | a b c d | k k k k</c>: a constant fill value k.</summary>
    Constant,

    /// <summary><c>a a a a | a b c d | d d d d</c>: the nearest edge pixel.</summary>
    Nearest,
}
