using Nabla.Tensors;

namespace Nabla.Trainers;

/// <summary>The checks every Fit, Evaluate and Predict on arrays makes before the first batch, with Keras's rules.</summary>
internal static class DataChecks
{
    /// <summary>
    /// Checks that every input and target array has a sample axis and that they (and the sample weights, one per sample)
    /// agree on a number of samples that is not zero.
    /// </summary>
    /// <exception cref="ArgumentException">An array is missing, a scalar, empty, or of another length.</exception>
    public static void Arrays(string operation, Tensor[] x, Tensor[]? y, Tensor? sampleWeight)
    {
        if (x.Length == 0)
        {
            throw new ArgumentException($"{operation}: x holds no input arrays.", nameof(x));
        }

        for (int i = 0; i < x.Length; i++)
        {
            Tensor xi = x[i] ?? throw new ArgumentNullException(nameof(x), $"{operation}: input {i} is null.");
            if (xi.Rank == 0)
            {
                throw new ShapeMismatchException(operation, "x of rank >= 1 (samples first)", "[]",
                    $"{operation}: x must have a first (sample) axis, but received a scalar of shape [].");
            }
        }

        int samples = x[0].Dim(0);
        if (samples == 0)
        {
            throw new ArgumentException(
                $"{operation}: x has no samples (shape {ShapeUtil.Format(x[0].Dims)}). There is nothing to " +
                $"{(operation.StartsWith("Predict", StringComparison.Ordinal) ? "predict" : operation.StartsWith("Evaluate", StringComparison.Ordinal) ? "evaluate" : "train on")}; " +
                "check that the data loaded (a file whose header counts 0 items, a filter that kept none).", nameof(x));
        }

        for (int i = 1; i < x.Length; i++)
        {
            SameSamples(operation, $"input 0 (shape {ShapeUtil.Format(x[0].Dims)})", $"input {i}", x[i], samples);
        }

        string xName = x.Length == 1 ? "x" : "input 0";
        for (int i = 0; y is not null && i < y.Length; i++)
        {
            Tensor yi = y[i] ?? throw new ArgumentNullException(nameof(y), $"{operation}: target {i} is null.");
            SameSamples(operation, $"{xName} (shape {ShapeUtil.Format(x[0].Dims)})", y.Length == 1 ? "y" : $"target {i}", yi, samples);
        }

        if (sampleWeight is not null)
        {
            if (sampleWeight.Rank != 1 && !(sampleWeight.Rank == 2 && sampleWeight.Dim(1) == 1))
            {
                throw new ShapeMismatchException(operation, $"[{samples}]", ShapeUtil.Format(sampleWeight.Dims),
                    $"{operation}: sampleWeight must hold one weight per sample, shape [{samples}], but received shape {ShapeUtil.Format(sampleWeight.Dims)}.");
            }

            SameSamples(operation, $"{xName} (shape {ShapeUtil.Format(x[0].Dims)})", "sampleWeight", sampleWeight, samples);
        }
    }

    /// <summary>
    /// Keras's conversion of a class-weight table into one weight per sample: the weight of each sample's class (the
    /// label, or the argmax of a one-hot row), 1 for classes the table leaves out.
    /// </summary>
    /// <exception cref="ArgumentException">Sample weights are given too, the model has several outputs, or a weight is not finite.</exception>
    public static Tensor ClassWeights(string operation, Tensor[] y, Tensor? sampleWeight, IReadOnlyDictionary<int, double> classWeight)
    {
        if (sampleWeight is not null)
        {
            throw new ArgumentException(
                $"{operation}: classWeight and sampleWeight cannot be used together (as in Keras). Fold the class weights into the sample weights.",
                nameof(classWeight));
        }

        if (y.Length != 1)
        {
            throw new ArgumentException($"{operation}: classWeight is supported only for models with one output, but this one has {y.Length}.", nameof(classWeight));
        }

        foreach ((int cls, double w) in classWeight)
        {
            if (!double.IsFinite(w))
            {
                throw new ArgumentException($"{operation}: classWeight[{cls}] is {w}; class weights must be finite numbers.", nameof(classWeight));
            }
        }

        Tensor labels = y[0];
        int samples = labels.Dim(0);
        int width = samples == 0 ? 1 : labels.Size / samples;
        var weights = new float[samples];
        ReadOnlySpan<float> t = labels.Span;
        for (int i = 0; i < samples; i++)
        {
            // One-hot rows give their argmax; a label column of width 1 its value, rounded as Keras rounds it.
            int cls = width == 1 ? (int)MathF.Round(t[i]) : System.Numerics.Tensors.TensorPrimitives.IndexOfMax(t.Slice(i * width, width));
            weights[i] = classWeight.TryGetValue(cls, out double w) ? (float)w : 1f;
        }

        return Tensor.FromArray(weights, samples);
    }

    private static void SameSamples(string operation, string reference, string name, Tensor t, int samples)
    {
        if (t.Rank == 0 || t.Dim(0) != samples)
        {
            if (name == "y" && reference.StartsWith("x ", StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"{operation}: x and y must have the same number of samples, but x has {samples} {reference[2..]} and y has " +
                    $"{(t.Rank == 0 ? 0 : t.Dim(0))} (shape {ShapeUtil.Format(t.Dims)}).");
            }

            throw new ArgumentException(
                $"{operation}: every array must have the same number of samples, but {reference} has {samples} and {name} " +
                $"has {(t.Rank == 0 ? 0 : t.Dim(0))} (shape {ShapeUtil.Format(t.Dims)}).");
        }
    }
}
