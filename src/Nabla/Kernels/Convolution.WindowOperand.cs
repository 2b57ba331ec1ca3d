namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    /// <summary>Where the window kernel finds its B panels: packed, or the convolution's kernel read in place.</summary>
    /// <param name="b">Panel 0's first k step.</param>
    /// <param name="ldb">Floats between consecutive k steps of a panel.</param>
    /// <param name="panelStride">Floats between consecutive panels.</param>
    /// <param name="bias">Panel 0's sixteen bias values, or null when there is no bias.</param>
    /// <param name="biasStride">Floats between consecutive panels' bias values.</param>
    private readonly struct WindowOperand(float* b, nint ldb, nint panelStride, float* bias, nint biasStride)
    {
        public float* B { get; } = b;

        public nint Ldb { get; } = ldb;

        public nint PanelStride { get; } = panelStride;

        public float* Bias { get; } = bias;

        public nint BiasStride { get; } = biasStride;
    }
}
