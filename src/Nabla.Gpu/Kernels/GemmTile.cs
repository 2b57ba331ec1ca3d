namespace Nabla.Gpu.Kernels;

/// <summary>
/// A block tile of the tiled GEMM kernel as compile-time constants: the kernel is generic over the tile, so ILGPU sizes its
/// shared memory and loops from these constants. Each thread computes an 8×8 register tile, so a group has
/// (BM/8)·(BN/8) threads.
/// </summary>
internal interface IGemmTile
{
    /// <summary>Rows of C per group.</summary>
    int BM { get; }

    /// <summary>Columns of C per group.</summary>
    int BN { get; }

    /// <summary>Depth of one k step (the shared tiles are BK×BM and BK×BN).</summary>
    int BK { get; }
}

/// <summary>128×128 tiles, 256 threads, 8 KiB of shared memory: large products on a GPU.</summary>
internal readonly struct GemmTileLarge : IGemmTile
{
    /// <inheritdoc/>
    public int BM => 128;

    /// <inheritdoc/>
    public int BN => 128;

    /// <inheritdoc/>
    public int BK => 8;
}

/// <summary>64×64 tiles, 64 threads: products too small to fill a GPU with 128×128 tiles.</summary>
internal readonly struct GemmTileMedium : IGemmTile
{
    /// <inheritdoc/>
    public int BM => 64;

    /// <inheritdoc/>
    public int BN => 64;

    /// <inheritdoc/>
    public int BK => 8;
}

/// <summary>32×32 tiles, 16 threads: the CPU accelerator (whose groups hold at most 16 threads) and tiny products.</summary>
internal readonly struct GemmTileSmall : IGemmTile
{
    /// <inheritdoc/>
    public int BM => 32;

    /// <inheritdoc/>
    public int BN => 32;

    /// <inheritdoc/>
    public int BK => 8;
}
