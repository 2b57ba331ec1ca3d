namespace Nabla.Kernels;

/// <summary>A tile extent known at JIT time, used to specialise micro-kernel loops for edge tiles.</summary>
internal interface IGemmExtent
{
    /// <summary>The extent.</summary>
    static abstract int Value { get; }
}

/// <summary>Extent 2.</summary>
internal readonly struct GemmExtent2 : IGemmExtent
{
    public static int Value => 2;
}

/// <summary>Extent 4.</summary>
internal readonly struct GemmExtent4 : IGemmExtent
{
    public static int Value => 4;
}

/// <summary>Extent 8.</summary>
internal readonly struct GemmExtent8 : IGemmExtent
{
    public static int Value => 8;
}

/// <summary>Extent 6.</summary>
internal readonly struct GemmExtent6 : IGemmExtent
{
    public static int Value => 6;
}

/// <summary>Extent 9.</summary>
internal readonly struct GemmExtent9 : IGemmExtent
{
    public static int Value => 9;
}

/// <summary>Extent 12.</summary>
internal readonly struct GemmExtent12 : IGemmExtent
{
    public static int Value => 12;
}

/// <summary>Extent 16.</summary>
internal readonly struct GemmExtent16 : IGemmExtent
{
    public static int Value => 16;
}

/// <summary>Extent 32.</summary>
internal readonly struct GemmExtent32 : IGemmExtent
{
    public static int Value => 32;
}

/// <summary>Extent 1.</summary>
internal readonly struct GemmExtent1 : IGemmExtent
{
    public static int Value => 1;
}
