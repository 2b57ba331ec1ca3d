namespace Nabla.Devices;

/// <summary>The elementwise binary functions a <see cref="DeviceBackend"/> computes (the CPU's <c>IBinaryOp</c> structs).</summary>
internal enum BinaryKind
{
    /// <summary>a + b.</summary>
    Add,

    /// <summary>a − b.</summary>
    Subtract,

    /// <summary>a · b.</summary>
    Multiply,

    /// <summary>a / b.</summary>
    Divide,

    /// <summary>max(a, b).</summary>
    Maximum,

    /// <summary>min(a, b).</summary>
    Minimum,

    /// <summary>a^b.</summary>
    Pow,

    /// <summary>1 where a ≥ b, else 0.</summary>
    GreaterEqual,

    /// <summary>1 where a ≤ b, else 0.</summary>
    LessEqual,

    /// <summary>1 where a = b, else 0.</summary>
    Equal,
}
