using System.Globalization;
using System.Text;
using Nabla.Autodiff;
using Nabla.Distributed;

namespace Nabla.Trainers;

// Data-parallel training: what the loops do differently when Compile was given a distribution strategy. Every rank runs
// the same loop over the same global batches (the same shuffle), takes its contiguous share of each batch, and the
// ranks meet in a few collectives: the gradients after the backward pass, the metric sums for every log, the
// non-trainable weights (batch-norm statistics) after each step.
internal sealed partial class Trainer
{
    private double[]? _frozenSums;     // AverageNonTrainable's buffers, reused between steps
    private float[]? _frozenValues;

    /// <summary>
    /// Checks at the start of Fit that every rank built the same model and batches the same way, then copies rank 0's
    /// weights to every rank, so that training starts from one model.
    /// </summary>
    private void StartDistributed(DistributionStrategy distribution, int? globalBatch, int epochs)
    {
        var description = new StringBuilder();
        description.Append(CultureInfo.InvariantCulture, $"model {_model.GetType().Name}, batch size {globalBatch?.ToString(CultureInfo.InvariantCulture) ?? "from the dataset"}, {epochs} epochs; weights:");
        foreach (Variable v in _model.Weights)
        {
            description.Append(CultureInfo.InvariantCulture, $" {v.Path}{Tensors.ShapeUtil.Format(v.Value.Dims)}");
        }

        distribution.VerifySame("the model and the batch size", description.ToString());
        BroadcastWeights(distribution);
    }

    /// <summary>
    /// Copies rank 0's weights (trainable or not) to every rank, in one collective over host memory (device weights are
    /// downloaded and uploaded: CUDA-aware MPI is not assumed).
    /// </summary>
    private void BroadcastWeights(DistributionStrategy distribution)
    {
        IReadOnlyList<Variable> weights = _model.Weights;
        float[] all = new float[weights.Sum(v => v.Value.Size)];
        int offset = 0;
        foreach (Variable v in weights)
        {
            v.Value.CopyTo(all.AsSpan(offset));
            offset += v.Value.Size;
        }

        distribution.Broadcast(all);
        offset = 0;
        foreach (Variable v in weights)
        {
            v.Value.CopyFromHost(all.AsSpan(offset, v.Value.Size));
            offset += v.Value.Size;
        }
    }

    /// <summary>This rank's contiguous share of a global batch: views of its rows, no copy.</summary>
    private static StepBatch Shard(DistributionStrategy distribution, in StepBatch global)
    {
        if (global.ShardOf > 0)
        {
            return global;   // the batch source gathered this rank's share already
        }

        (int start, int count) = distribution.RowsOf(global.Rows);
        return new StepBatch(
            [.. global.X.Select(t => t[start..(start + count)])],
            [.. global.Y.Select(t => t[start..(start + count)])],
            global.SampleWeight?[start..(start + count)],
            global.Rows);
    }

    /// <summary>
    /// The distributed training step: this rank's forward and backward pass on its share, the gradients summed over the
    /// ranks with each rank's weighted by its share of the global batch (so the sum is the gradient of the global
    /// batch's mean loss), the same optimizer step everywhere, then the non-trainable weights averaged so that batch
    /// statistics stay identical on every rank. A rank whose share is empty contributes zeros.
    /// </summary>
    /// <remarks>
    /// The share weights the backward pass's seed (dL/dloss = share instead of 1) rather than every gradient afterwards:
    /// the pass is linear in its seed, so the gradients come out weighted without a pass over them (with two equal
    /// shares, 0.5, bit for bit what the multiplication gave). The strategy may sum the gradients bucket by bucket while
    /// the pass still runs (<see cref="DistributionStrategy.BeginGradientSum"/>); the optimizer waits for all of them.
    /// </remarks>
    private void DistributedTrainStep(DistributionStrategy distribution, RunScope run, in StepBatch global)
    {
        CompileState compiled = _compiled!;
        TrainState train = run.Train!;
        StepBatch local = Shard(distribution, global);
        int rows = local.Rows;
        Tensor? loss = null;
        using (StepContext.TrainingStep step = StepContext.Current.BeginTrainingStep())
        {
            if (rows > 0)
            {
                _model.Forward(local.X, run.Outputs, training: true);
                loss = TotalLoss(compiled, local, run);
                train.EnsureCached(_model);
                Tensor? seed = null;
                if (rows != local.GlobalRows)
                {
                    seed = OpSupport.Empty(loss.Dims, loss);
                    Compute.Fill(seed, (float)rows / local.GlobalRows);
                }

                Action<int, Tensor>? ready = distribution.BeginGradientSum(train.Values);
                try
                {
                    step.Tape.ComputeGradients(loss, seed, train.Values, train.Grads, ready);
                }
                catch (Exception e) when (ready is not null)
                {
                    distribution.AbandonGradientSum(e);
                    throw;
                }
            }
            else
            {
                train.EnsureCached(_model);
                for (int i = 0; i < train.Grads.Length; i++)
                {
                    train.Grads[i] = OpSupport.ZerosLike(train.Values[i].Dims);
                }
            }

            distribution.AllReduceSum(train.Grads);
        }

        compiled.Optimizer.Apply(train.Grads, train.Variables);
        AverageNonTrainable(distribution);
        if (loss is not null)
        {
            run.Metrics!.Update(local.Y, run.Outputs, loss, run.OutputLosses);
        }
    }

    /// <summary>Averages the non-trainable weights (moving statistics) over the ranks.</summary>
    private void AverageNonTrainable(DistributionStrategy distribution)
    {
        IReadOnlyList<Variable> frozen = _model.NonTrainableWeights;
        if (frozen.Count == 0)
        {
            return;
        }

        int total = 0, largest = 0;
        foreach (Variable v in frozen)
        {
            total += v.Value.Size;
            largest = Math.Max(largest, v.Value.Size);
        }

        // Kept between steps (one Fit at a time runs on a trainer), so a warm step allocates nothing here.
        Span<double> sums = (_frozenSums is { } s && s.Length == total ? s : _frozenSums = new double[total]).AsSpan();
        float[] values = _frozenValues is { } f && f.Length >= largest ? f : _frozenValues = new float[largest];
        int offset = 0;
        foreach (Variable v in frozen)
        {
            int n = v.Value.Size;
            v.Value.CopyTo(values.AsSpan(0, n));   // a download for device weights
            for (int i = 0; i < n; i++)
            {
                sums[offset + i] = values[i];
            }

            offset += n;
        }

        distribution.AllReduceSum(sums);
        offset = 0;
        foreach (Variable v in frozen)
        {
            int n = v.Value.Size;
            for (int i = 0; i < n; i++)
            {
                values[i] = (float)(sums[offset + i] / distribution.Size);
            }

            v.Value.CopyFromHost(values.AsSpan(0, n));
            offset += n;
        }
    }

    /// <summary>
    /// The distributed prediction step: each rank runs its share of the batch, then every rank gathers every share, so
    /// the whole batch's outputs are collected (in row order) on every rank.
    /// </summary>
    private void DistributedPredictStep(DistributionStrategy distribution, RunScope run, in StepBatch global, PredictionCollector[] results)
    {
        StepBatch local = Shard(distribution, global);
        int rows = local.Rows;
        using (StepContext.Current.BeginInferenceBatch())
        {
            if (rows > 0)
            {
                _model.Forward(local.X, run.Outputs, training: false);
            }

            int[] counts = new int[distribution.Size];
            for (int o = 0; o < results.Length; o++)
            {
                int[] rowShape = rows > 0 ? run.Outputs[o].Shape.AsSpan()[1..].ToArray() : DeclaredRowShape(o);
                int rowSize = rowShape.Aggregate(1, (a, b) => a * b);
                float[] all = new float[local.GlobalRows * rowSize];
                Tensor? output = rows > 0 ? run.Outputs[o] : null;
                distribution.AllGather(output is null ? default : output.Memory is null ? output.Span : output.ToArray(), all, counts);
                results[o].Add(Tensor.FromArray(all, [local.GlobalRows, .. rowShape]));
            }
        }
    }

    /// <summary>An output's shape beyond the batch axis as the model declares it, for a rank whose share is empty.</summary>
    private int[] DeclaredRowShape(int output)
    {
        int[]? shape = _model.Graph?.Outputs[output].Shape ?? _model.OutputShape;
        if (shape is null || shape.Skip(1).Any(d => d < 0))
        {
            throw new InvalidOperationException(
                $"Predict: this rank's share of a batch is empty and model '{_model.Name}' does not declare the shape of output {output}; " +
                "use a batch size of at least the number of ranks.");
        }

        return shape[1..];
    }

    /// <summary>
    /// The logs over every rank's batches: the metric states summed across the ranks into <paramref name="global"/>, a
    /// metric set of the same shape, whose results are returned. <paramref name="buffer"/> is reused across steps.
    /// </summary>
    private static Dictionary<string, double> GlobalResults(DistributionStrategy distribution, MetricSet local, MetricSet global, ref double[]? buffer)
    {
        int length = local.StateLength;
        buffer ??= new double[length];
        local.ExportState(buffer);
        distribution.AllReduceSum(buffer);
        global.ImportState(buffer);
        return global.Results();
    }
}
