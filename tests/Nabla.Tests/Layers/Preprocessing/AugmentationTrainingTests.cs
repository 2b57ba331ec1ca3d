using Nabla.Callbacks;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Optimizers;

namespace Nabla.Tests.Layers.Preprocessing;

/// <summary>Augmentation layers in front of a model: active in Fit's steps, idle in Evaluate and Predict, and learning still works.</summary>
public class AugmentationTrainingTests
{
    [Fact]
    public void Fit_augments_each_batch_and_the_loss_falls()
    {
        // Two classes of 8 × 8 images told apart by brightness, which flips and shifts keep. The same model without
        // the augmentation layers, from the same weights on the same unshuffled batches, must follow another path:
        // that is the augmentation at work inside Fit.
        (Tensor x, Tensor y) = BrightnessData(96, seed: 4);
        History augmented = Train(x, y, augment: true, out Sequential model);
        History plain = Train(x, y, augment: false, out _);

        Assert.True(augmented["loss"][^1] < augmented["loss"][0] / 3, $"loss {augmented["loss"][0]:F4} -> {augmented["loss"][^1]:F4}");
        Assert.NotEqual(plain["loss"], augmented["loss"]);
        Assert.True(model.Evaluate(x, y, verbose: 0)["accuracy"] >= 0.95);

        // Inference skips the augmentation: Predict is the plain network's function of the input.
        Tensor p1 = model.Predict(x, verbose: 0), p2 = model.Predict(x, verbose: 0);
        Assert.Equal(p1.ToArray(), p2.ToArray());
    }

    private static History Train(Tensor x, Tensor y, bool augment, out Sequential model)
    {
        var dense = new Dense(2, activation: "softmax", kernelInitializer: new GlorotUniform(seed: 3));
        model = augment
            ? new Sequential([new RandomFlip("horizontal", seed: 1, inputShape: [8, 8, 1]), new RandomTranslation(0.25, 0.25, seed: 2), new Flatten(), dense])
            : new Sequential([new Flatten(inputShape: [8, 8, 1]), dense]);
        model.Compile(optimizer: new Adam(0.02f), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model.Fit(x, y, batchSize: 16, epochs: 30, verbose: 0, shuffle: false);
    }

    private static (Tensor X, Tensor Y) BrightnessData(int count, int seed)
    {
        var rng = new System.Random(seed);
        var images = new float[count * 64];
        var labels = new float[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 2;
            float low = labels[n] == 0 ? 0f : 0.45f;
            for (int i = 0; i < 64; i++)
            {
                images[(n * 64) + i] = low + (0.55f * (float)rng.NextDouble());
            }
        }

        return (Tensor.FromArray(images, count, 8, 8, 1), Tensor.FromArray(labels, count));
    }
}
