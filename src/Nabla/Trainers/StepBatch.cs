namespace Nabla.Trainers;

/// <summary>
/// One batch as the trainer's loops hand it to a step: the model's inputs, its targets (none when predicting) and
/// optional per-sample weights, each with the batch's rows first.
/// </summary>
/// <param name="X">One tensor per model input.</param>
/// <param name="Y">One tensor per model output, or empty when predicting.</param>
/// <param name="SampleWeight">One weight per sample ([batch]), or null.</param>
internal readonly record struct StepBatch(Tensor[] X, Tensor[] Y, Tensor? SampleWeight)
{
    /// <summary>The number of samples in the batch.</summary>
    public int Rows => X[0].Rank == 0 ? 1 : X[0].Dim(0);
}
