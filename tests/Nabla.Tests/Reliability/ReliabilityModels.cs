using Nabla.Initializers;
using Nabla.Layers;

namespace Nabla.Tests.Reliability;

/// <summary>Small seeded models and data for the reliability suite: deterministic, fast, and something to learn.</summary>
internal static class ReliabilityModels
{
    public const int Features = 12, Classes = 5;

    /// <summary>A 12-32-5 classifier with seeded weights; built from its input shape unless <paramref name="lazy"/>.</summary>
    public static Sequential Classifier(bool lazy = false, bool compile = true)
    {
        var model = new Sequential([
            new Dense(32, activation: "relu", inputShape: lazy ? null : [Features], kernelInitializer: new GlorotUniform(seed: 7)),
            new Dense(Classes, activation: "softmax", kernelInitializer: new GlorotUniform(seed: 8)),
        ]);
        if (compile)
        {
            model.Compile(optimizer: new Nabla.Optimizers.Adam(learningRate: 0.01f), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        }

        return model;
    }

    /// <summary>Seeded inputs labelled by a seeded linear teacher.</summary>
    public static (Tensor X, Tensor Y) Data(int samples, int seed = 3)
    {
        var rng = new System.Random(seed);
        var teacher = new double[Features * Classes];
        for (int i = 0; i < teacher.Length; i++)
        {
            teacher[i] = rng.NextDouble() - 0.5;
        }

        var x = new float[samples * Features];
        var y = new float[samples];
        for (int n = 0; n < samples; n++)
        {
            var scores = new double[Classes];
            for (int f = 0; f < Features; f++)
            {
                float v = x[(n * Features) + f] = (float)((rng.NextDouble() * 2) - 1);
                for (int c = 0; c < Classes; c++)
                {
                    scores[c] += v * teacher[(f * Classes) + c];
                }
            }

            y[n] = Array.IndexOf(scores, scores.Max());
        }

        return (Tensor.FromArray(x, samples, Features), Tensor.FromArray(y, samples));
    }
}
