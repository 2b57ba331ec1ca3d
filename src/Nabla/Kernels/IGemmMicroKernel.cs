namespace Nabla.Kernels;

/// <summary>A register-tiled GEMM micro-kernel and the cache blocking that feeds it.</summary>
/// <remarks>
/// <para>
/// The micro-kernel computes one <see cref="Mr"/>×<see cref="Nr"/> tile of C (row-major) from a
/// packed A micro-panel and a packed B micro-panel, both of depth <c>kc</c>:
/// </para>
/// <code>
/// A panel: for p in [0, kc): Mr values op(A)[i .. i+Mr, p] at a + p·aStride   (broadcast one at a time)
/// B panel: for p in [0, kc): Nr values op(B)[p, j .. j+Nr] at b + p·bStride   (loaded as Nr / width vectors)
/// C[i .. i+Mr, j .. j+Nr] = (accumulate ? C : 0) + A panel · B panel
/// </code>
/// <para>
/// A panel is either packed (stride Mr or Nr) or, when the operand is already stored with each
/// k step contiguous (A transposed, B as is), read in place with the operand's leading dimension
/// as stride; see <see cref="Gemm"/>.
/// </para>
/// <para>
/// Vectors run along n because C is row-major: each C row of the tile is a whole number of
/// vectors, so the tile is written back with plain vector loads and stores.
/// </para>
/// <para>
/// Implementations are structs so that <see cref="Gemm"/>'s generic driver is compiled once per
/// kernel with <see cref="Mr"/>, <see cref="Nr"/> and the block sizes as JIT-time constants.
/// </para>
/// </remarks>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>The path this kernel implements.</summary>
    static abstract GemmPath Path { get; }

    /// <summary>Whether the current CPU can run the kernel.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Rows of C per tile: the A values broadcast per step of k.</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of C per tile: a multiple of the vector width.</summary>
    static abstract int Nr { get; }

    /// <summary>Depth of a packed block (the k extent that is packed and reused).</summary>
    static abstract int Kc { get; }

    /// <summary>Rows of A packed together per block (a multiple of <see cref="Mr"/>).</summary>
    static abstract int Mc { get; }

    /// <summary>Columns of B packed together per panel (a multiple of <see cref="Nr"/>).</summary>
    static abstract int Nc { get; }

    /// <summary>Computes one full tile; see the type remarks for the exact contract.</summary>
    /// <param name="kc">Depth of both panels, at least 1.</param>
    /// <param name="a">A micro-panel: Mr values of op(A) per k step.</param>
    /// <param name="aStride">Floats between consecutive k steps of the A panel: Mr when packed, lda when read in place.</param>
    /// <param name="b">B micro-panel: Nr values of op(B) per k step.</param>
    /// <param name="bStride">Floats between consecutive k steps of the B panel: Nr when packed, ldb when read in place.</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Distance in floats between consecutive rows of C.</param>
    /// <param name="accumulate">Add to C instead of overwriting it.</param>
    static abstract void Run(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate);

    /// <summary>Computes the <paramref name="mr"/>×<paramref name="nr"/> top-left corner of a tile, leaving the rest of C untouched.</summary>
    /// <param name="kc">Depth of both panels, at least 1.</param>
    /// <param name="a">A micro-panel; packed and zero-padded when <paramref name="mr"/> &lt; Mr.</param>
    /// <param name="aStride">Floats between consecutive k steps of the A panel.</param>
    /// <param name="b">B micro-panel; packed and zero-padded when <paramref name="nr"/> &lt; Nr.</param>
    /// <param name="bStride">Floats between consecutive k steps of the B panel.</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Distance in floats between consecutive rows of C.</param>
    /// <param name="accumulate">Add to C instead of overwriting it.</param>
    /// <param name="mr">Rows to write, 1 to <see cref="Mr"/>.</param>
    /// <param name="nr">Columns to write, 1 to <see cref="Nr"/>.</param>
    static abstract void RunEdge(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate, int mr, int nr);
}
