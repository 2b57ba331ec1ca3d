using Nabla.Tensors;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// The same elements with a new shape (a view: no copy). One dimension may be -1 and is inferred from the
    /// others, as in NumPy.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The element counts differ, or the shape has more than one -1.</exception>
    public static Tensor Reshape(Tensor x, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        Span<int> dims = stackalloc int[shape.Length];
        ResolveReshape(x.Dims, shape, dims);
        if (ShapeUtil.SameShape(dims, x.Dims))
        {
            return x;
        }

        Tensor y = OpSupport.View(x, 0, dims);
        OpSupport.TapeFor(x)?.RecordUnary<ReshapeNode>(y, x);
        return y;
    }

    /// <summary>Fills <paramref name="dims"/> with <paramref name="shape"/>, the one -1 replaced by the inferred length.</summary>
    internal static void ResolveReshape(ReadOnlySpan<int> from, ReadOnlySpan<int> shape, Span<int> dims)
    {
        int size = ShapeUtil.Product(from);
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0)
                {
                    throw Mismatch(from, shape, "only one dimension may be -1");
                }

                infer = i;
            }
            else if (shape[i] < 0)
            {
                throw Mismatch(from, shape, $"dimension {i} is {shape[i]}; dimensions must be non-negative or -1");
            }
            else
            {
                known *= shape[i];
            }

            dims[i] = shape[i];
        }

        if (infer >= 0)
        {
            if (known == 0 || size % known != 0)
            {
                throw Mismatch(from, shape, $"{size} elements cannot be split evenly with the other dimensions (product {known})");
            }

            dims[infer] = (int)(size / known);
        }
        else if (known != size)
        {
            throw Mismatch(from, shape, $"the new shape holds {known} elements but the tensor has {size}");
        }

        static ShapeMismatchException Mismatch(ReadOnlySpan<int> from, ReadOnlySpan<int> to, string why)
        {
            string f = ShapeUtil.Format(from), t = ShapeUtil.Format(to);
            return new ShapeMismatchException("Reshape", $"a shape with {ShapeUtil.Product(from)} elements", t,
                $"Reshape: cannot reshape a tensor of shape {f} into {t}: {why}.");
        }
    }

    private sealed class ReshapeNode : UnaryNode
    {
        public override string Name => "Reshape";

        // Reshape only relabels elements: dL/dx is g viewed with x's shape.
        public override void Backward(Tensor grad, Tape tape) => tape.Accumulate(X, OpSupport.View(grad, 0, X.Dims));
    }
}
