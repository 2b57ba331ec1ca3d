using Nabla.Autodiff;

namespace Nabla.Devices;

// The op families, each the device twin of the CPU kernel the op calls (same sizes, same results to float rounding).
// Tensors give their memory, offset and shape; sizes are the ones the CPU kernel takes.
internal abstract partial class DeviceBackend
{
    /// <summary>y = op(a, b) with NumPy broadcasting (y has the broadcast shape; y may be a or b when shapes agree).</summary>
    public abstract void Binary(BinaryKind op, Tensor a, Tensor b, Tensor y);

    /// <summary>y = op(a, s), or op(s, a) when <paramref name="scalarLeft"/>.</summary>
    public abstract void Scalar(BinaryKind op, Tensor a, float s, Tensor y, bool scalarLeft);

    /// <summary>y = f(x) elementwise.</summary>
    public abstract void Unary(UnaryKind op, Tensor x, Tensor y);

    /// <summary>dst = src summed down to dst's shape (the adjoint of broadcasting).</summary>
    public abstract void SumTo(Tensor src, Tensor dst);

    /// <summary>
    /// C = op(A)·op(B) for <paramref name="batch"/> products, matrix i of A at element <c>i·strideA</c> of <paramref name="a"/>
    /// (likewise B, C); row-major with leading dimensions, as <c>Kernels.Gemm.MultiplyBatched</c>.
    /// </summary>
    public abstract void Gemm(bool transposeA, bool transposeB, int batch, int m, int n, int k,
        Tensor a, int lda, long strideA, Tensor b, int ldb, long strideB, Tensor c, int ldc, long strideC);

    /// <summary>The fused activation forward of <paramref name="activation"/> over rows of <paramref name="cols"/> (see <see cref="ActivationDescriptor.Forward"/>).</summary>
    public abstract void ActivationForward(ActivationDescriptor activation, Tensor x, Tensor? bias, Tensor y, Tensor? pre, int cols);

    /// <summary>The fused activation backward (see <see cref="ActivationDescriptor.Backward"/>).</summary>
    public abstract void ActivationBackward(ActivationDescriptor activation, Tensor g, Tensor v, Tensor dx, Tensor? biasGrad, int cols);

    /// <summary>y[o, i] = scale·Σ_a x[o, a, i].</summary>
    public abstract void Sum(Tensor x, int outer, int n, int inner, Tensor y, float scale);

    /// <summary>y[o, i] = max (or min) over a of x[o, a, i].</summary>
    public abstract void Extremum(Tensor x, int outer, int n, int inner, Tensor y, bool max);

    /// <summary>dx[o, a, i] = g[o, i]/c[o, i] where x[o, a, i] = y[o, i] (c such elements), else 0.</summary>
    public abstract void ExtremumBackward(Tensor x, Tensor y, Tensor g, int outer, int n, int inner, Tensor dx);

    /// <summary>
    /// indices[o, i] = the first a where x[o, a, i] is largest (or smallest), as a float, with <c>Kernels.Reduction.ArgMax</c>'s
    /// rules (the first NaN wins; on the last axis +0 ranks above −0, as <c>TensorPrimitives.IndexOfMax</c>); n ≥ 1.
    /// </summary>
    public abstract void ArgExtremum(Tensor x, int outer, int n, int inner, Tensor indices, bool max);

    /// <summary>dx[o, a, i] = scale·g[o, i].</summary>
    public abstract void Spread(Tensor g, int outer, int n, int inner, float scale, Tensor dx);

    /// <summary>Row-wise softmax (or log-softmax).</summary>
    public abstract void Softmax(Tensor x, Tensor y, int rows, int cols, bool log);

    /// <summary>The backward of row-wise softmax (or log-softmax) from its output.</summary>
    public abstract void SoftmaxBackward(Tensor y, Tensor g, Tensor dx, int rows, int cols, bool log);

    /// <summary>
    /// Softmax cross-entropy per row: logProbs = log_softmax(logits), loss[r] = −Σ t·logProbs, with class ids
    /// (<paramref name="sparse"/>) or target distributions.
    /// </summary>
    public abstract void CrossEntropy(Tensor logits, Tensor targets, Tensor logProbs, Tensor loss, int rows, int cols, bool sparse);

    /// <summary>dlogits = (e^logProbs·Σt − t)·g per row, with class ids or target distributions.</summary>
    public abstract void CrossEntropyBackward(Tensor logProbs, Tensor targets, Tensor g, Tensor dx, int rows, int cols, bool sparse);

    /// <summary>
    /// One in-place optimizer update of <paramref name="w"/> from <paramref name="g"/> with the slots the rule uses
    /// (the formulas of <c>Kernels.OptimizerSteps</c>).
    /// </summary>
    public abstract void OptimizerStep(OptimizerRule rule, Tensor w, Tensor g, Tensor? slot1, Tensor? slot2, Tensor? slot3, in OptimizerArguments arguments);

    /// <summary>
    /// y = conv(x, kernel) over every group, channels last, no bias or activation (<c>Kernels.Convolution.Forward</c>
    /// without them); <paramref name="col"/> holds OutputPixels·GroupDepth floats of scratch.
    /// </summary>
    public abstract void Conv2D(in Kernels.Conv2DGeometry geometry, Tensor x, Tensor kernel, Tensor y, Tensor col);

    /// <summary>dk = the convolution's weight gradient from x and dz (overwritten); <paramref name="col"/> as in <see cref="Conv2D"/>.</summary>
    public abstract void Conv2DWeightGradient(in Kernels.Conv2DGeometry geometry, Tensor x, Tensor dz, Tensor dk, Tensor col);

    /// <summary>dx = the convolution's input gradient from dz and the kernel (overwritten); <paramref name="col"/> as in <see cref="Conv2D"/>.</summary>
    public abstract void Conv2DInputGradient(in Kernels.Conv2DGeometry geometry, Tensor dz, Tensor kernel, Tensor dx, Tensor col);

    /// <summary>Max (with the argmax, as ints in a float tensor) or average pooling, channels last.</summary>
    public abstract void Pool2D(in Kernels.Pool2DGeometry geometry, Tensor x, Tensor y, Tensor? argmax, bool max);

    /// <summary>The pooling's input gradient (dx overwritten).</summary>
    public abstract void Pool2DBackward(in Kernels.Pool2DGeometry geometry, Tensor dy, Tensor? argmax, Tensor dx, bool max);

    /// <summary>mean[c] and the biased variance[c] of x[:, c] over <paramref name="rows"/> rows.</summary>
    public abstract void BatchStatistics(Tensor x, int rows, int channels, Tensor mean, Tensor variance);

    /// <summary>y = (x − mean)·γ/√(variance + ε) + β per channel (γ, β optional).</summary>
    public abstract void BatchNormForward(Tensor x, Tensor mean, Tensor variance, Tensor? gamma, Tensor? beta, float epsilon, Tensor y, int rows, int channels);

    /// <summary>The gradients of the training normalization: dx, dγ and dβ (both required, as scratch when unused), overwritten.</summary>
    public abstract void BatchNormBackward(Tensor dy, Tensor x, Tensor mean, Tensor variance, Tensor? gamma, float epsilon,
        Tensor dx, Tensor dgamma, Tensor dbeta, int rows, int channels);

    /// <summary>moving = moving·momentum + batch·(1 − momentum), in place.</summary>
    public abstract void UpdateMoving(Tensor moving, Tensor batch, float momentum);

    /// <summary>
    /// Strided runs: with <paramref name="toBlocks"/>, to[o·stride + offset + j] = from[o·run + j], otherwise the reverse
    /// (concatenation along an axis and its gradient).
    /// </summary>
    public abstract void CopyRuns(Tensor from, Tensor to, int outer, int run, int stride, int offset, bool toBlocks);

    /// <summary>
    /// The rows of each channels-last image of a dense [n, h, w, c] tensor copied to (or, without <paramref name="toBlocks"/>,
    /// from) their place inside a [n, h + top + bottom, w + left + right, c] tensor; negative margins crop.
    /// </summary>
    public abstract void CopyImageRows(Tensor dense, Tensor framed, int top, int bottom, int left, int right, bool toBlocks);

    /// <summary>
    /// Nearest up-sampling of the channels-last <paramref name="small"/> into <paramref name="large"/> by (sh, sw), or with
    /// <paramref name="backward"/> its adjoint from <paramref name="large"/> (a gradient) into <paramref name="small"/>.
    /// </summary>
    public abstract void UpSample2D(Tensor small, Tensor large, int sizeHeight, int sizeWidth, bool backward);

    /// <summary>y = xᵀ for a [rows, cols] matrix.</summary>
    public abstract void Transpose(Tensor x, int rows, int cols, Tensor y);

    /// <summary>
    /// y[n] = x[n] sampled through transform n (six floats per image in <paramref name="transforms"/>, on this device), or
    /// with <paramref name="adjoint"/> dx = the adjoint of that sampling applied to the gradient x (y overwritten, fill
    /// value unused): <c>Kernels.ImageTransform.Affine</c> and <c>AffineBackward</c> over [batch, height, width, channels].
    /// </summary>
    public abstract void AffineImages(Tensor x, Tensor transforms, Tensor y, int batch, int height, int width, int channels,
        Kernels.ImageInterpolation interpolation, Kernels.ImageFillMode fillMode, float fillValue, bool adjoint);

    /// <summary>
    /// y[n] = x[n] flipped as code <paramref name="flips"/>[n] says (a whole float 0 to 3, on this device; bit 0 left-right,
    /// bit 1 top-bottom): <c>Kernels.ImageTransform.Flip</c>, its own adjoint.
    /// </summary>
    public abstract void FlipImages(Tensor x, Tensor flips, Tensor y, int batch, int height, int width, int channels);

    /// <summary>sums[0] = Σ x² over every element of <paramref name="x"/> (sums is a one-element tensor, possibly a view).</summary>
    public abstract void SumOfSquares(Tensor x, Tensor sums);

    /// <summary>
    /// The factor that clips a gradient by norm, written to the one-element <paramref name="scale"/> from the sums of
    /// squares in <paramref name="sums"/> (norm = √Σ sums): with <paramref name="global"/> Keras's clip_by_global_norm factor
    /// limit·min(1/norm, 1/limit), NaN when the norm is not finite; otherwise clipnorm's 1 when norm ≤ limit, else
    /// limit/norm (the formulas of <c>Optimizer.GlobalScale</c> and <c>Optimizer.Clip</c>, in double).
    /// </summary>
    public abstract void ClipScale(Tensor sums, float limit, bool global, Tensor scale);
}
