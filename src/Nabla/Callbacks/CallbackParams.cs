namespace Nabla.Callbacks;

/// <summary>The parameters of a training, evaluation or prediction run, as callbacks see them (Keras's <c>params</c>).</summary>
/// <param name="Epochs">The number of epochs (1 for evaluation and prediction).</param>
/// <param name="Steps">Batches per epoch, or null when unknown.</param>
/// <param name="Verbose">The verbosity: 0 silent, 1 progress bar, 2 one line per epoch.</param>
public sealed record CallbackParams(int Epochs, int? Steps, int Verbose);
