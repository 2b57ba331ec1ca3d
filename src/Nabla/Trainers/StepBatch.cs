namespace Nabla.Trainers;

/// <summary>
/// One batch as the trainer's loops hand it to a step: the model's inputs, its targets (none when predicting) and
/// optional per-sample weights, each with the batch's rows first.
/// </summary>
/// <param name="X">One tensor per model input.</param>
/// <param name="Y">One tensor per model output, or empty when predicting.</param>
/// <param name="SampleWeight">One weight per sample ([batch]), or null.</param>
/// <param name="ShardOf">
/// For data-parallel training, when the source already gathered only this rank's share: the rows of the global batch it
/// is a share of; 0 when the batch is whole.
/// </param>
internal readonly record struct StepBatch(Tensor[] X, Tensor[] Y, Tensor? SampleWeight, int ShardOf = 0)
{
    /// <summary>The number of samples in the batch.</summary>
    public int Rows => X[0].Rank == 0 ? 1 : X[0].Dim(0);

    /// <summary>The rows of the global batch: <see cref="ShardOf"/> for a share, else <see cref="Rows"/>.</summary>
    public int GlobalRows => ShardOf > 0 ? ShardOf : Rows;
}
