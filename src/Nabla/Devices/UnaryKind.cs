namespace Nabla.Devices;

/// <summary>The elementwise unary functions a <see cref="DeviceBackend"/> computes.</summary>
internal enum UnaryKind
{
    /// <summary>−x.</summary>
    Negate,

    /// <summary>|x|.</summary>
    Abs,

    /// <summary>x².</summary>
    Square,

    /// <summary>√x.</summary>
    Sqrt,

    /// <summary>eˣ.</summary>
    Exp,

    /// <summary>ln x.</summary>
    Log,

    /// <summary>sin x.</summary>
    Sin,

    /// <summary>cos x.</summary>
    Cos,

    /// <summary>sign x (0 at 0).</summary>
    Sign,

    /// <summary>ln x where x &gt; 0, else 0.</summary>
    LogOrZero,
}
