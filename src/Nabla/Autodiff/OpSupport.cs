using System.Runtime.CompilerServices;
using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Autodiff;

/// <summary>Plumbing shared by op implementations: output allocation, broadcasting forward, gradient reduction.</summary>
internal static class OpSupport
{
    /// <summary>The recording tape when at least one input is tracked, otherwise null (then the op records nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tape? TapeFor(Tensor a, Tensor? b = null, Tensor? c = null)
    {
        Tape? tape = Tape.Recording;
        return tape is not null && (tape.Tracks(a) || tape.Tracks(b) || tape.Tracks(c)) ? tape : null;
    }

    /// <summary>
    /// A tensor for an op's result with undefined contents: a recycled slot inside a library-owned step, new memory
    /// otherwise (see <see cref="StepContext"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Empty(ReadOnlySpan<int> dims) => StepContext.Current.Arena.Rent(dims, clear: false);

    /// <summary>
    /// A tensor for an op's result on the device of <paramref name="like"/> (an input of the op), with undefined
    /// contents, from the same place as <see cref="Empty(ReadOnlySpan{int})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Empty(ReadOnlySpan<int> dims, Tensor like) => like.Memory is null
        ? StepContext.Current.Arena.Rent(dims, clear: false)
        : StepContext.Current.Arena.Rent(dims, clear: false, like.Memory.Backend);

    /// <summary>A zero-filled tensor for an op's result, from the same place as <see cref="Empty(ReadOnlySpan{int})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor ZerosLike(ReadOnlySpan<int> dims) => StepContext.Current.Arena.Rent(dims, clear: true);

    /// <summary>A zero-filled tensor on the device of <paramref name="like"/>, from the same place as <see cref="Empty(ReadOnlySpan{int})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor ZerosLike(ReadOnlySpan<int> dims, Tensor like) => like.Memory is null
        ? StepContext.Current.Arena.Rent(dims, clear: true)
        : StepContext.Current.Arena.Rent(dims, clear: true, like.Memory.Backend);

    /// <summary>A tensor viewing <paramref name="source"/>'s elements from <paramref name="offset"/> on with a new shape (on its device).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor View(Tensor source, int offset, ReadOnlySpan<int> dims) => source.Memory is null
        ? StepContext.Current.Arena.RentView(source.Storage, source.Offset + offset, dims)
        : StepContext.Current.Arena.RentView(source.Memory, source.Offset + offset, dims);

    /// <summary>A copy of the host tensor <paramref name="host"/> on the device of <paramref name="like"/>, from the same place as <see cref="Empty(ReadOnlySpan{int}, Tensor)"/>.</summary>
    public static Tensor Upload(Tensor host, Tensor like)
    {
        Tensor t = Empty(host.Dims, like);
        t.Memory!.CopyFrom(host.Span, t.Offset);
        return t;
    }

    /// <summary>op(a, b) elementwise with NumPy broadcasting; <paramref name="operation"/> names the op in errors.</summary>
    public static Tensor Binary<TOp>(string operation, Tensor a, Tensor b)
        where TOp : struct, IBinaryOp
    {
        Span<int> dims = stackalloc int[Broadcasting.MaxRank];
        int rank = Broadcasting.ResultShape(operation, a.Dims, b.Dims, dims);
        Tensor y = Empty(dims[..rank], a.Memory is null ? b : a);
        Compute.Binary<TOp>(operation, a, b, y);
        return y;
    }

    /// <summary>op(a, s) for every element.</summary>
    public static Tensor ScalarRight<TOp>(Tensor a, float s)
        where TOp : struct, IBinaryOp
    {
        Tensor y = Empty(a.Dims, a);
        Compute.ScalarRight<TOp>(typeof(TOp).Name, a, s, y);
        return y;
    }

    /// <summary>op(s, a) for every element.</summary>
    public static Tensor ScalarLeft<TOp>(float s, Tensor a)
        where TOp : struct, IBinaryOp
    {
        Tensor y = Empty(a.Dims, a);
        Compute.ScalarLeft<TOp>(typeof(TOp).Name, s, a, y);
        return y;
    }

    /// <summary>
    /// Sums <paramref name="grad"/> over the axes along which a tensor of shape <paramref name="dims"/> was
    /// broadcast, giving a gradient of that shape. Returns <paramref name="grad"/> itself when no axis was broadcast.
    /// </summary>
    public static Tensor ReduceTo(Tensor grad, ReadOnlySpan<int> dims)
    {
        if (ShapeUtil.SameShape(grad.Dims, dims))
        {
            return grad;
        }

        Tensor r = Empty(dims, grad);
        Compute.SumTo("ReduceTo", grad, r);
        return r;
    }
}
