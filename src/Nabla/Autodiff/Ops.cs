namespace Nabla.Autodiff;

/// <summary>
/// The differentiable operations of Nabla (Keras's <c>keras.ops</c>): each computes its result with the SIMD
/// kernels and, while a <see cref="GradientTape"/> records, records itself with its backward rule.
/// </summary>
/// <remarks>
/// The <see cref="Tensor"/> operators and methods (<c>a + b</c>, <c>x.Sin()</c>) call these. Results are ordinary
/// tensors that stay valid while referenced; only inside the trainer's own steps do they come from a recycled arena
/// (see <c>StepContext</c>).
/// Shape errors throw <see cref="ShapeMismatchException"/> naming the operation and both shapes.
/// </remarks>
public static partial class Ops
{
}
