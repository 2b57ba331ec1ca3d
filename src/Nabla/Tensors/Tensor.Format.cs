using Nabla.Tensors;

namespace Nabla;

// Printing: NumPy's str(ndarray) for float32.
public sealed partial class Tensor
{
    /// <summary>The elements as NumPy prints a float32 array with <c>str()</c> (or <c>print</c>).</summary>
    /// <remarks>
    /// <para>
    /// Each value gets the fewest digits that identify it (at most 8 after the decimal point), trailing zeros
    /// dropped, all padded to a common width: <c>[[1. 2.]\n [3. 4.]]</c>, <c>[0.1  0.25]</c>. Scientific
    /// notation is used when NumPy would: the largest magnitude is at least 1e8, the smallest non-zero one is
    /// below 1e-4, or their ratio exceeds 1000. Rows wrap at 75 characters; a tensor of more than 1000 elements is
    /// summarised with the first and last 3 items of each axis around <c>...</c>. A rank-0 tensor prints its
    /// number as a NumPy scalar does (<c>1.0</c>, <c>1e-05</c>), an empty tensor <c>[]</c>.
    /// </para>
    /// <para>
    /// The rules are NumPy 2.0–2.2's (NumPy 2.3 moved the float32 cut-over to scientific notation down to 1e6).
    /// </para>
    /// </remarks>
    public override string ToString() => TensorFormatter.Format(_memory is null ? Span : ToArray(), Dims);
}
