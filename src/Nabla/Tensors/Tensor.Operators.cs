using Nabla.Autodiff;

namespace Nabla;

// The arithmetic operators and NumPy-style methods users write (a * b, x.Reshape(-1, 1)); each forwards to the
// differentiable op in Nabla.Autodiff.Ops.
public sealed partial class Tensor
{
    /// <summary>Elementwise product with NumPy broadcasting.</summary>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Multiply(a, b);

    /// <summary>Every element times <paramref name="s"/>.</summary>
    public static Tensor operator *(Tensor a, float s) => Ops.Multiply(a, s);

    /// <summary>Every element times <paramref name="s"/>.</summary>
    public static Tensor operator *(float s, Tensor a) => Ops.Multiply(a, s);

    /// <summary>The same elements with a new shape; one dimension may be -1 (inferred). A view, not a copy.</summary>
    /// <exception cref="ShapeMismatchException">The element counts differ.</exception>
    public Tensor Reshape(params ReadOnlySpan<int> shape) => Ops.Reshape(this, shape);
}
