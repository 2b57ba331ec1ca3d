using System.Globalization;
using ILGPU;

namespace Nabla.Gpu.Kernels;

/// <summary>Argument checks shared by the kernel families; every message names the kernel, the argument and both sizes.</summary>
internal static class Check
{
    /// <summary>Throws unless <paramref name="value"/> ≥ 0.</summary>
    public static void NonNegative(string kernel, int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"GPU kernel '{kernel}' expects {name} ≥ 0, but received {value}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> ≥ 1.</summary>
    public static void Positive(string kernel, int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"GPU kernel '{kernel}' expects {name} ≥ 1, but received {value}.");
        }
    }

    /// <summary>Throws unless the view holds at least <paramref name="needed"/> elements.</summary>
    public static void Length<T>(string kernel, ArrayView<T> view, long needed, string name)
        where T : unmanaged
    {
        if (view.Length < needed)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"GPU kernel '{kernel}' expects {name} to hold at least {needed} elements, but it holds {view.Length}."), name);
        }
    }

    /// <summary>Throws unless the product of the sizes fits in an int (the kernels index with int).</summary>
    public static int Product(string kernel, long product, string what)
    {
        if (product > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(what, product, $"GPU kernel '{kernel}' indexes with 32-bit integers, but {what} has {product} elements.");
        }

        return (int)product;
    }
}
