using System.Numerics;
using System.Text;

namespace Nabla.Tensors;

/// <summary>Shape arithmetic and formatting shared by tensors, ops and layers.</summary>
internal static class ShapeUtil
{
    /// <summary>Product of the dimensions; 1 for a scalar shape.</summary>
    /// <exception cref="ArgumentException">The product exceeds <see cref="Array.MaxLength"/>.</exception>
    public static int Product(ReadOnlySpan<int> dims)
    {
        long p = 1;
        foreach (int d in dims)
        {
            // Past the limit p stays where it is: further lengths of 1 or more cannot bring it back under (only a 0
            // can), and multiplying on could overflow a long and wrap round to a small, wrong size.
            p = p <= Array.MaxLength ? p * d : d == 0 ? 0 : p;
        }

        if (p > Array.MaxLength)
        {
            BigInteger total = 1;
            foreach (int d in dims)
            {
                total *= d;
            }

            throw new ArgumentException($"A tensor of shape {Format(dims)} would hold {total} elements, more than the {Array.MaxLength} a .NET array allows.");
        }

        return (int)p;
    }

    /// <summary>Formats a shape as <c>[32, 28, 28]</c>.</summary>
    public static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(dims[i]);
        }

        return sb.Append(']').ToString();
    }

    /// <summary>Formats a shape in Keras's summary style, <c>(None, 28, 28)</c>, with a leading batch axis.</summary>
    public static string FormatKeras(ReadOnlySpan<int> dimsWithoutBatch)
    {
        var sb = new StringBuilder("(None");
        foreach (int d in dimsWithoutBatch)
        {
            sb.Append(", ").Append(d);
        }

        return sb.Append(')').ToString();
    }

    /// <summary>Turns a possibly negative axis into 0..rank-1, or throws naming the operation.</summary>
    public static int NormalizeAxis(string operation, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if ((uint)a >= (uint)Math.Max(rank, 1) || (rank == 0 && axis != 0 && axis != -1))
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                $"{operation}: axis {axis} is out of range for a tensor of rank {rank} (valid: {-Math.Max(rank, 1)}..{Math.Max(rank, 1) - 1}).");
        }

        return a;
    }

    /// <summary>Checks that every dimension is non-negative.</summary>
    public static void Validate(string operation, ReadOnlySpan<int> dims)
    {
        foreach (int d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"{operation}: shape dimensions must be non-negative, but received {Format(dims)}.");
            }
        }
    }

    /// <summary>True when both shapes have the same rank and lengths.</summary>
    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
