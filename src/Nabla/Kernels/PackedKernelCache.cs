namespace Nabla.Kernels;

/// <summary>
/// The calling thread's packed forward kernels of small convolutions, kept from call to call for as long as the
/// weights and bias keep their bits.
/// </summary>
/// <remarks>
/// <para>
/// A batch-1 Predict of W5's CNN packed its second kernel (73 KB) on every call, a serial copy whose freshly written
/// panels the other thread then had to fetch from the first core's cache: skipping it (with the panels still valid
/// from the call before) took the Predict from 106 to 86 µs. An entry here keeps a copy of the weights and bias it
/// was packed from; a call whose weights and bias have the same bits (compared as integers, so −0 and NaN payloads
/// count) uses its panels as they are, and any other call packs them again into the entry. An entry serves only the
/// shape and packing it was made for (window depth, channels, groups, bias: they set the layout), and within them the
/// content decides, not the address or a version number, so no write to the weights can leave a stale kernel behind.
/// </para>
/// <para>
/// Only calls of at most <see cref="MaxPixels"/> output pixels use it (batch 1 and other small batches, where packing
/// weighs against the multiply-adds) and only kernels of at most <see cref="MaxKernelFloats"/> floats, in at most
/// <see cref="Entries"/> entries per thread, each with two <see cref="AlignedBuffer"/>s of at most 1 MB (1.5 MB when
/// grown in steps): 24 MB per thread at the very most. Entries are per thread, so no call shares one with another; a
/// reused entry keeps its buffers when they are large enough, so a warm call allocates nothing. The panels stay valid
/// until the next <see cref="Packed"/> on the same thread.
/// </para>
/// </remarks>
internal static unsafe class PackedKernelCache
{
    /// <summary>Output pixels a call may have at most to use the cache.</summary>
    public const int MaxPixels = 1024;

    /// <summary>Floats a kernel with its bias, and its packing, may have at most to be kept (1 MB each).</summary>
    public const int MaxKernelFloats = 1 << 18;

    /// <summary>Kernels kept per thread; the next one replaces them in turn.</summary>
    public const int Entries = 8;

    [ThreadStatic]
    private static Entry?[]? t_entries;

    [ThreadStatic]
    private static int t_next;

    /// <summary>The kernel of <paramref name="g"/> packed by <paramref name="pack"/>: as kept from an earlier call with the same bits, else packed now.</summary>
    /// <param name="g">The convolution.</param>
    /// <param name="w">Its kernel, <see cref="Conv2DGeometry.KernelLength"/> floats.</param>
    /// <param name="bias">Its bias (OutputChannels floats), or null.</param>
    /// <param name="packedFloats">Floats of the packed kernel.</param>
    /// <param name="pack">Packs (g, w, bias) into the buffer given last; with g's window depth, channels and groups it sets the layout.</param>
    /// <returns>The packed kernel (64-byte aligned), valid until the next call on this thread.</returns>
    public static float* Packed(in Conv2DGeometry g, float* w, float* bias, nint packedFloats,
        delegate*<in Conv2DGeometry, float*, float*, float*, void> pack)
    {
        if (g.OutputPixels > MaxPixels || g.KernelLength + g.OutputChannels > MaxKernelFloats || packedFloats > MaxKernelFloats)
        {
            float* scratch = ConvScratch.Get(ScratchSlot.Call, packedFloats);
            pack(in g, w, bias, scratch);
            return scratch;
        }

        // The layout is the packing's and the shape's: two kernels of as many floats (18 × 32 and 36 × 16) pack apart.
        var key = new Key((nint)w, (nint)pack, g.GroupDepth, g.OutputChannels, g.Groups, bias != null);
        Entry?[] entries = t_entries ??= new Entry?[Entries];
        Entry? entry = null;
        foreach (Entry? e in entries)
        {
            if (e is { IsPacked: true } && e.Key == key)
            {
                entry = e;
                break;
            }
        }

        if (entry is not null && entry.Holds(w, bias, VectorWidth.Current))
            return entry.Packed;

        if (entry is null)
        {
            entry = entries[t_next] ??= new Entry();
            t_next = (t_next + 1) % Entries;
        }

        entry.Keep(key, w, bias, packedFloats);
        pack(in g, w, bias, entry.Packed);
        entry.IsPacked = true;   // only now: a packing that failed leaves no entry to match
        return entry.Packed;
    }

    // What an entry was packed for: the kernel's address, the packing, and the shape that sets the layout.
    private readonly record struct Key(nint Kernel, nint Pack, int Depth, int Channels, int Groups, bool HasBias)
    {
        public int KernelFloats => Depth * Channels;

        public int BiasFloats => HasBias ? Channels : 0;
    }

    // One packed kernel and the bits it was packed from: the kernel, then the bias.
    private sealed class Entry
    {
        private AlignedBuffer _source, _packed;
        private float* _sourceStart;

        public bool IsPacked { get; set; }

        public Key Key { get; private set; }

        public float* Packed { get; private set; }

        // Whether w and bias have the bits this entry was packed from.
        public bool Holds(float* w, float* bias, VectorWidth width) =>
            RowOps.SameBits(w, _sourceStart, Key.KernelFloats, width)
            && (bias == null || RowOps.SameBits(bias, _sourceStart + Key.KernelFloats, Key.BiasFloats, width));

        // Takes this entry for the given kernel: records its bits and makes room for its packing, after which the
        // caller sets IsPacked.
        public void Keep(Key key, float* w, float* bias, nint packedFloats)
        {
            IsPacked = false;
            Key = key;
            _sourceStart = _source.Get(key.KernelFloats + key.BiasFloats);   // pinned, so the pointers stay valid
            Packed = _packed.Get(packedFloats);
            new ReadOnlySpan<float>(w, key.KernelFloats).CopyTo(new Span<float>(_sourceStart, key.KernelFloats));
            if (bias != null)
                new ReadOnlySpan<float>(bias, key.BiasFloats).CopyTo(new Span<float>(_sourceStart + key.KernelFloats, key.BiasFloats));
        }
    }
}
