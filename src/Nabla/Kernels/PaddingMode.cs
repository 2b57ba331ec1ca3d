namespace Nabla.Kernels;

/// <summary>How a convolution or pooling window is padded along a spatial axis, as Keras's <c>padding</c> argument.</summary>
internal enum PaddingMode
{
    /// <summary>No padding: only windows that lie wholly inside the input; output = ⌊(input − dilated window) / stride⌋ + 1.</summary>
    Valid,

    /// <summary>
    /// Zero padding so that output = ⌈input / stride⌉; the total padding is split in half with the odd element at the
    /// bottom or right, as TensorFlow computes it.
    /// </summary>
    Same,
}
