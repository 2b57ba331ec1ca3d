using Nabla.Autodiff;
using Nabla.Saving;
using Nabla.Tensors;

namespace Nabla.Losses;

/// <summary>
/// The base of every loss (Keras's <c>keras.losses.Loss</c>): a per-sample loss, reduced over the batch.
/// </summary>
/// <remarks>
/// <see cref="Call"/> computes <see cref="ComputeLosses"/> (one value per sample), weights it by the optional
/// sample weights and reduces it as Keras does: <c>sum_over_batch_size</c> (the default: the sum divided by the
/// number of values, i.e. the mean), <c>sum</c>, or <c>none</c>. Losses are made of differentiable ops, so any
/// subclass trains without a hand-written gradient.
/// </remarks>
public abstract class Loss
{
    /// <summary>Initializes the loss.</summary>
    /// <param name="name">The loss's name (Keras's snake_case name).</param>
    /// <param name="reduction">How per-sample losses are reduced: <c>sum_over_batch_size</c> (default), <c>sum</c> or <c>none</c>.</param>
    /// <exception cref="ArgumentException">The reduction is unknown.</exception>
    protected Loss(string name, string reduction = "sum_over_batch_size")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (reduction is not ("sum_over_batch_size" or "sum" or "none"))
        {
            throw new ArgumentException($"Unknown reduction '{reduction}'. Known: none, sum, sum_over_batch_size.", nameof(reduction));
        }

        Name = name;
        Reduction = reduction;
    }

    /// <summary>The loss's name.</summary>
    public string Name { get; }

    /// <summary>The reduction over the batch.</summary>
    public string Reduction { get; }

    /// <summary>The reduced loss of predictions <paramref name="yPred"/> against targets <paramref name="yTrue"/>.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The model's predictions.</param>
    /// <param name="sampleWeight">Optional weights, one per sample (shape [batch]).</param>
    /// <returns>A scalar tensor, or per-sample losses when the reduction is <c>none</c>.</returns>
    /// <exception cref="ShapeMismatchException">The shapes do not fit this loss.</exception>
    public Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        Tensor losses = ComputeLosses(yTrue, yPred);
        if (sampleWeight is not null)
        {
            if (sampleWeight.Rank != 1 || losses.Rank < 1 || sampleWeight.Dim(0) != losses.Dim(0))
            {
                string expected = losses.Rank >= 1 ? $"[{losses.Dim(0)}]" : "[batch]";
                throw new ShapeMismatchException(Name, expected, ShapeUtil.Format(sampleWeight.Dims),
                    $"{GetType().Name} expects sample weights of shape {expected} (one per sample), but received {ShapeUtil.Format(sampleWeight.Dims)}.");
            }

            losses = losses.Rank == 1 ? Ops.Multiply(losses, sampleWeight) : Ops.Multiply(losses, sampleWeight.Reshape(PerSampleShape(losses.Rank, sampleWeight.Dim(0))));
        }

        return Reduction switch
        {
            "sum" => Ops.Sum(losses),
            "none" => losses,
            _ => Ops.Mean(losses),
        };
    }

    /// <summary>The unreduced loss: one value per sample (Keras's <c>call</c>).</summary>
    protected abstract Tensor ComputeLosses(Tensor yTrue, Tensor yPred);

    /// <summary>The unreduced per-sample loss, for the metrics that average it (mean squared and absolute error).</summary>
    internal Tensor PerSample(Tensor yTrue, Tensor yPred) => ComputeLosses(yTrue, yPred);

    /// <summary>The loss's arguments as Keras names them.</summary>
    public virtual Dictionary<string, object?> GetConfig() => new() { ["name"] = Name, ["reduction"] = Reduction };

    /// <summary>A loss by Keras name (<c>mse</c>, <c>sparse_categorical_crossentropy</c>…), with default arguments.</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    public static Loss Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Serialization.Get<Loss>(name);
    }

    /// <summary>The loss named <paramref name="name"/> (see <see cref="Get"/>), so <c>Compile(loss: "mse")</c> works.</summary>
    public static implicit operator Loss(string name) => Get(name);

    /// <summary>A loss from a function of (yTrue, yPred) returning per-sample values, named after the method (Keras accepts plain functions as losses).</summary>
    /// <param name="fn">The per-sample loss, made of differentiable ops.</param>
    public static implicit operator Loss(Func<Tensor, Tensor, Tensor> fn) => new LossFunctionWrapper(fn, Metrics.FunctionMetric.NameOf(fn) is "custom_metric" ? "loss" : Metrics.FunctionMetric.NameOf(fn));

    /// <summary>Throws unless both tensors have the same shape.</summary>
    protected void CheckSameShape(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (!ShapeUtil.SameShape(yTrue.Dims, yPred.Dims))
        {
            string t = ShapeUtil.Format(yTrue.Dims), p = ShapeUtil.Format(yPred.Dims);
            throw new ShapeMismatchException(Name, p, t,
                $"{GetType().Name} expects targets of the predictions' shape {p}, but received targets of shape {t}.");
        }
    }

    private static int[] PerSampleShape(int rank, int batch)
    {
        var shape = new int[rank];
        Array.Fill(shape, 1);
        shape[0] = batch;
        return shape;
    }
}
