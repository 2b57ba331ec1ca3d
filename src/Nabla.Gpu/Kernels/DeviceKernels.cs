namespace Nabla.Gpu.Kernels;

/// <summary>The kernel families of one <see cref="GpuDevice"/>, each created (and its kernels compiled) on first use.</summary>
internal sealed class DeviceKernels(GpuDevice device) : IDisposable
{
    private ElementwiseKernels? _elementwise;
    private ActivationKernels? _activations;
    private RowKernels? _rows;
    private ReductionKernels? _reductions;
    private GemmKernels? _gemm;
    private OptimizerKernels? _optimizers;
    private DropoutKernels? _dropout;
    private ConvolutionKernels? _convolution;
    private PoolingKernels? _pooling;
    private BatchNormKernels? _batchNorm;
    private LayoutKernels? _layout;
    private ImageTransformKernels? _images;
    private ClipKernels? _clip;
    private MetricKernels? _metrics;

    /// <summary>Unary, binary, scalar and broadcasting kernels.</summary>
    public ElementwiseKernels Elementwise => _elementwise ??= new ElementwiseKernels(device);

    /// <summary>Activations, their derivatives and the fused bias forms.</summary>
    public ActivationKernels Activations => _activations ??= new ActivationKernels(device);

    /// <summary>Softmax, log-softmax and cross-entropy over rows.</summary>
    public RowKernels Rows => _rows ??= new RowKernels(device);

    /// <summary>Sum, mean, max and min over an axis, and their adjoints.</summary>
    public ReductionKernels Reductions => _reductions ??= new ReductionKernels(device);

    /// <summary>Matrix products (tiled kernel or cuBLAS).</summary>
    public GemmKernels Gemm => _gemm ??= new GemmKernels(device);

    /// <summary>Optimizer updates.</summary>
    public OptimizerKernels Optimizers => _optimizers ??= new OptimizerKernels(device);

    /// <summary>Dropout masks.</summary>
    public DropoutKernels Dropout => _dropout ??= new DropoutKernels(device);

    /// <summary>im2col and col2im for NHWC convolutions.</summary>
    public ConvolutionKernels Convolution => _convolution ??= new ConvolutionKernels(device);

    /// <summary>Max and average pooling, forward and backward.</summary>
    public PoolingKernels Pooling => _pooling ??= new PoolingKernels(device);

    /// <summary>Batch-normalization statistics, forward and backward.</summary>
    public BatchNormKernels BatchNorm => _batchNorm ??= new BatchNormKernels(device);

    /// <summary>Strided copies and the transpose.</summary>
    public LayoutKernels Layout => _layout ??= new LayoutKernels(device);

    /// <summary>Affine transforms and flips of image batches, and their adjoints.</summary>
    public ImageTransformKernels Images => _images ??= new ImageTransformKernels(device);

    /// <summary>Gradient clipping by norm: sums of squares and the clipping factors, kept on the device.</summary>
    public ClipKernels Clip => _clip ??= new ClipKernels(device);

    /// <summary>The built-in metrics' per-sample values and weighted sums.</summary>
    public MetricKernels Metrics => _metrics ??= new MetricKernels(device);

    /// <summary>Releases the buffers and library handles (cuBLAS) the families hold.</summary>
    public void Dispose()
    {
        _reductions?.Dispose();
        _gemm?.Dispose();
        _pooling?.Dispose();
        _clip?.Dispose();
    }
}
