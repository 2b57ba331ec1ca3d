using System.Globalization;
using Nabla.Tensors;

namespace Nabla;

/// <summary>
/// Data-preparation helpers from <c>keras.utils</c>: one-hot encoding of class labels and normalization of
/// vectors to unit norm.
/// </summary>
/// <remarks>
/// Both return a new tensor and leave their input unchanged. They work on data, as Keras's NumPy path does: the
/// result is not recorded on a <see cref="Autodiff.GradientTape"/>.
/// </remarks>
/// <example>
/// <code>
/// var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData();
/// Tensor yOneHot = Utils.ToCategorical(yTrain, numClasses: 10);   // [n] -> [n, 10]
/// model.Compile(optimizer: new RMSprop(), loss: "categorical_crossentropy", metrics: ["accuracy"]);
/// </code>
/// </example>
public static class Utils
{
    /// <summary>
    /// Converts integer class labels to one-hot rows (Keras's <c>keras.utils.to_categorical</c>), the targets
    /// <c>categorical_crossentropy</c> expects.
    /// </summary>
    /// <param name="y">
    /// The class labels: whole numbers from 0 to <paramref name="numClasses"/> − 1, stored as floats, of any shape.
    /// </param>
    /// <param name="numClasses">
    /// The number of classes, the length of the new last axis (default null: the largest label + 1, as Keras infers
    /// it).
    /// </param>
    /// <returns>
    /// A new tensor of shape <c>y.Shape + [numClasses]</c> holding 1 at each label's position and 0 elsewhere. As in
    /// Keras, a trailing axis of length 1 is replaced rather than kept: [n, 1] gives [n, numClasses].
    /// </returns>
    /// <remarks>Shapes: [n] → [n, numClasses]; [n, 1] → [n, numClasses]; [a, b] → [a, b, numClasses]; a scalar → [numClasses].</remarks>
    /// <example>
    /// <code>
    /// Tensor labels = Tensor.FromArray(new float[] { 0, 2, 1 }, 3);
    /// Tensor oneHot = Utils.ToCategorical(labels, numClasses: 3);   // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException"><paramref name="y"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">
    /// A label is not a whole number, negative, NaN or infinite, or not below <paramref name="numClasses"/>; or
    /// <paramref name="y"/> is empty and <paramref name="numClasses"/> is not given; or the result would be too large.
    /// </exception>
    public static Tensor ToCategorical(Tensor y, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (numClasses is int given && given <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), given,
                $"ToCategorical: numClasses must be a positive number of classes, but received {given}. " +
                "Leave it out to use the largest label + 1.");
        }

        ReadOnlySpan<float> labels = y.Span;
        ReadOnlySpan<int> dims = y.Dims;
        long largest = -1;
        for (int i = 0; i < labels.Length; i++)
        {
            float v = labels[i];
            if (!float.IsFinite(v) || v != MathF.Floor(v) || v < 0)
            {
                string what = float.IsNaN(v) ? "NaN" : float.IsInfinity(v) ? "an infinite value" : Show(v);
                throw new ArgumentException(
                    $"ToCategorical expects integer class labels (whole numbers >= 0), but received {what} at {Position(dims, i)} " +
                    $"of y with shape {ShapeUtil.Format(dims)}. Pass class indices, not scores or one-hot rows.", nameof(y));
            }

            largest = Math.Max(largest, (long)v);
        }

        int classes;
        if (numClasses is int n)
        {
            if (largest >= n)
            {
                int at = FirstIndexAtLeast(labels, n);
                throw new ArgumentException(
                    $"ToCategorical expects integer labels in [0, {n}), but received {Show(labels[at])} at {Position(dims, at)}. " +
                    $"Pass numClasses: {largest + 1} or more, or leave it out to use the largest label + 1.", nameof(y));
            }

            classes = n;
        }
        else if (labels.Length == 0)
        {
            throw new ArgumentException(
                $"ToCategorical cannot infer the number of classes from y with shape {ShapeUtil.Format(dims)}, which holds no labels. " +
                "Pass numClasses.", nameof(y));
        }
        else
        {
            classes = (int)Math.Min(largest + 1, int.MaxValue);
        }

        // Keras drops a trailing axis of length 1 ([n, 1] -> [n, C]) but keeps the rank of anything else.
        int keep = dims.Length > 1 && dims[^1] == 1 ? dims.Length - 1 : dims.Length;
        int[] shape = [.. dims[..keep], classes];
        if ((long)labels.Length * classes > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"ToCategorical: {labels.Length:N0} labels with {classes:N0} classes would make a one-hot tensor of " +
                $"{(long)labels.Length * classes:N0} elements, more than a tensor can hold. Check numClasses and the labels."), nameof(y));
        }

        var result = new Tensor(new float[labels.Length * classes], 0, shape);
        Span<float> oneHot = result.Span;
        for (int i = 0; i < labels.Length; i++)
        {
            oneHot[(i * classes) + (int)labels[i]] = 1f;
        }

        return result;
    }

    /// <summary>
    /// Scales every vector along <paramref name="axis"/> to unit norm (Keras's <c>keras.utils.normalize</c>):
    /// <c>x / ‖x‖</c> with the L<paramref name="order"/> norm.
    /// </summary>
    /// <param name="x">The tensor to normalize, of rank 1 or more.</param>
    /// <param name="axis">The axis along which the norms are taken, negative counting from the end (default −1).</param>
    /// <param name="order">The norm's order p in <c>(Σ|v|^p)^(1/p)</c>: 2 (the default) for Euclidean, 1 for the sum of absolute values.</param>
    /// <returns>
    /// A new tensor of <paramref name="x"/>'s shape. A vector whose norm is 0 stays 0 (its norm counts as 1, as in
    /// Keras). Norms are accumulated in double precision.
    /// </returns>
    /// <remarks>Shape: the output has the input's shape.</remarks>
    /// <example>
    /// <code>
    /// Tensor v = Utils.Normalize(Tensor.FromArray(new float[] { 3, 4 }, 1, 2));   // [[0.6, 0.8]]
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is a scalar (rank 0).</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="axis"/> is not an axis of <paramref name="x"/>, or <paramref name="order"/> is below 1.
    /// </exception>
    public static Tensor Normalize(Tensor x, int axis = -1, int order = 2)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (order < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order,
                $"Normalize: order must be an integer >= 1 (2 for the Euclidean norm, 1 for the sum of absolute values), but received {order}.");
        }

        ReadOnlySpan<int> dims = x.Dims;
        if (dims.Length == 0)
        {
            throw new ArgumentException(
                "Normalize expects a tensor of rank 1 or more (vectors along an axis), but received a scalar of shape []. " +
                "Reshape it first, e.g. x.Reshape(1).", nameof(x));
        }

        int a = ShapeUtil.NormalizeAxis("Normalize", axis, dims.Length);
        int length = dims[a];
        int inner = ShapeUtil.Product(dims[(a + 1)..]);
        int outer = length == 0 || inner == 0 ? 0 : x.Size / (length * inner);
        ReadOnlySpan<float> src = x.Span;
        var result = new Tensor(new float[x.Size], 0, dims.ToArray());
        Span<float> dst = result.Span;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int start = (o * length * inner) + i;
                double norm = Norm(src, start, length, inner, order);
                if (norm == 0)
                {
                    norm = 1;
                }

                for (int k = 0; k < length; k++)
                {
                    int at = start + (k * inner);
                    dst[at] = (float)(src[at] / norm);
                }
            }
        }

        return result;
    }

    // (Σ|v|^p)^(1/p) over `length` elements `stride` apart, in double; p = 1 and 2 avoid Math.Pow.
    private static double Norm(ReadOnlySpan<float> v, int start, int length, int stride, int order)
    {
        double sum = 0;
        for (int k = 0; k < length; k++)
        {
            double e = Math.Abs((double)v[start + (k * stride)]);
            sum += order switch
            {
                1 => e,
                2 => e * e,
                _ => Math.Pow(e, order),
            };
        }

        return order switch
        {
            1 => sum,
            2 => Math.Sqrt(sum),
            _ => Math.Pow(sum, 1.0 / order),
        };
    }

    private static int FirstIndexAtLeast(ReadOnlySpan<float> labels, int bound)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= bound)
            {
                return i;
            }
        }

        return -1;
    }

    // "index 417" for a vector, "[3, 1]" for a position in a higher-rank tensor.
    private static string Position(ReadOnlySpan<int> dims, int flat)
    {
        if (dims.Length <= 1)
        {
            return $"index {flat}";
        }

        var index = new int[dims.Length];
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            index[d] = flat % dims[d];
            flat /= dims[d];
        }

        return "index " + ShapeUtil.Format(index);
    }

    private static string Show(float v) => v.ToString(CultureInfo.InvariantCulture);
}
