using Nabla.Callbacks;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Reliability;

namespace Nabla.Tests.Callbacks;

/// <summary>
/// The child process's side of the interrupted-checkpoint test: one epoch of a model whose <c>.keras</c> file is
/// about 230 KB, checkpointed over <c>path</c>; the parent limits the child's file size (<c>ulimit -f</c>) so that the
/// save fails part of the way through writing.
/// </summary>
internal static class ModelCheckpointFailureRun
{
    public static Sequential BigModel()
    {
        var model = new Sequential([
            new Dense(1024, activation: "relu", inputShape: [ReliabilityModels.Features], kernelInitializer: new GlorotUniform(seed: 1)),
            new Dense(ReliabilityModels.Classes, activation: "softmax", kernelInitializer: new GlorotUniform(seed: 2)),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        return model;
    }

    public static void Child(string path)
    {
        Sequential model = BigModel();
        (Tensor x, Tensor y) = ReliabilityModels.Data(32);
        Console.WriteLine("training");   // the runtime started under the limit: what fails next is the save
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint(path, monitor: "loss")]);
    }
}
