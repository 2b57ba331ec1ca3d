using System.Collections;
using System.Runtime.CompilerServices;

namespace Nabla;

/// <summary>
/// The lengths of a tensor's axes, read-only: what <see cref="Tensor.Shape"/> returns. Prints as <c>[32, 784]</c>,
/// compares by value, indexes like an array (<c>shape[0]</c>, <c>shape[^1]</c>, <c>shape[1..]</c>), and converts
/// implicitly to <c>int[]</c> (a copy), so <c>int[] dims = t.Shape;</c> works.
/// </summary>
/// <example>
/// <code>
/// Shape s = x.Shape;                 // [60000, 28, 28]
/// Console.WriteLine(s);              // prints [60000, 28, 28]
/// int samples = s[0], width = s[^1];
/// int[] dims = x.Shape;              // a copy you may change
/// Shape image = [28, 28, 1];
/// </code>
/// </example>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public readonly struct Shape : IReadOnlyList<int>, IEquatable<Shape>
{
    private readonly int[]? _dims;

    /// <summary>A shape with the given axis lengths (copied).</summary>
    /// <param name="dims">The length of each axis.</param>
    public Shape(params ReadOnlySpan<int> dims) => _dims = dims.ToArray();

    private Shape(int[] dims, bool own) => _dims = own ? dims : (int[])dims.Clone();

    /// <summary>The number of axes (0 for a scalar).</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>The number of axes, as on an array.</summary>
    public int Length => Rank;

    /// <summary>The number of axes.</summary>
    public int Count => Rank;

    /// <summary>The number of elements: the product of the lengths (1 for a scalar).</summary>
    public long Size
    {
        get
        {
            long size = 1;
            foreach (int d in Dims)
            {
                size *= d;
            }

            return size;
        }
    }

    private ReadOnlySpan<int> Dims => _dims ?? [];

    /// <summary>The length of axis <paramref name="axis"/> (0-based; use <c>^1</c> for the last).</summary>
    /// <param name="axis">The axis.</param>
    /// <exception cref="IndexOutOfRangeException">The axis does not exist.</exception>
    public int this[int axis] => Dims[axis];

    /// <summary>Builds a shape from a collection expression, e.g. <c>Shape s = [28, 28, 1];</c>.</summary>
    /// <param name="dims">The length of each axis.</param>
    public static Shape Create(ReadOnlySpan<int> dims) => new(dims);

    /// <summary>The axes from <paramref name="start"/> on, <paramref name="length"/> of them (what <c>shape[1..]</c> calls).</summary>
    /// <param name="start">The first axis.</param>
    /// <param name="length">The number of axes.</param>
    public Shape Slice(int start, int length) => new(Dims.Slice(start, length));

    /// <summary>The lengths as a new array.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>The lengths as a read-only span, without a copy.</summary>
    public ReadOnlySpan<int> AsSpan() => Dims;

    /// <summary>The lengths as a new array: <c>int[] dims = t.Shape;</c>.</summary>
    /// <param name="shape">The shape.</param>
    public static implicit operator int[](Shape shape) => shape.ToArray();

    /// <summary>The lengths as a read-only span.</summary>
    /// <param name="shape">The shape.</param>
    public static implicit operator ReadOnlySpan<int>(Shape shape) => shape.Dims;

    /// <summary>True when both have the same axis lengths.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>True when the axis lengths differ.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (int d in Dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>The shape as Nabla prints shapes: <c>[32, 784]</c>; <c>[]</c> for a scalar.</summary>
    public override string ToString() => Tensors.ShapeUtil.Format(Dims);

    /// <summary>Enumerates the axis lengths.</summary>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Wraps an array the caller gives up (no copy).</summary>
    internal static Shape Own(int[] dims) => new(dims, own: true);
}
