using System.Buffers;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Flips each image of a batch, with probability ½ and independently of the other images, during training (Keras's
/// <c>RandomFlip</c>). In inference it returns its input itself.
/// </summary>
/// <remarks>
/// <para>
/// Input: a batch of channels-last images [batch, height, width, channels], or one image [height, width, channels];
/// the output has the same shape. <c>horizontal</c> mirrors left-right, <c>vertical</c> top-bottom, and
/// <c>horizontal_and_vertical</c> both at once on the same draw (a turn by 180°), as Keras 3 does: one draw per
/// image decides, not one per axis. A flip moves pixels without changing them.
/// </para>
/// <para>
/// A flip is linear in the image, so a gradient that reaches the layer (when its input is tracked by a
/// <c>GradientTape</c>) goes back exactly: the same flip of the output gradient. An input no tape tracks, such as a
/// model's input, records nothing. With a seed the flips repeat from run to run; without one the layer's generator
/// is seeded from <see cref="Random"/>'s sequence.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var model = new Sequential(
///     new RandomFlip("horizontal", inputShape: [32, 32, 3]),
///     new Flatten(),
///     new Dense(10, "softmax"));
/// </code>
/// </example>
public sealed class RandomFlip : Layer
{
    /// <summary>Keras's flip modes.</summary>
    private static readonly string[] s_modes = ["horizontal", "vertical", "horizontal_and_vertical"];

    // Images up to this many get their flip codes on the stack; larger batches rent a buffer.
    private const int StackImages = 1024;

    private readonly RandomSource _rng;
    private readonly int _code;

    /// <summary>Creates the layer.</summary>
    /// <param name="mode">
    /// Which flip (default <c>horizontal_and_vertical</c>): <c>horizontal</c> (left-right), <c>vertical</c>
    /// (top-bottom) or <c>horizontal_and_vertical</c> (both, on one draw).
    /// </param>
    /// <param name="seed">A seed for reproducible flips; without one, drawn from <c>Nabla.Random</c>'s sequence.</param>
    /// <param name="inputShape">The shape of one image when this is the model's first layer, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="name">The layer's name (default <c>random_flip</c>, made unique).</param>
    /// <exception cref="ArgumentException">The mode is unknown; the message lists the known ones.</exception>
    public RandomFlip(string mode = "horizontal_and_vertical", int? seed = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(mode);
        _code = mode switch
        {
            "horizontal" => 1,
            "vertical" => 2,
            "horizontal_and_vertical" => 3,
            _ => throw new ArgumentException($"RandomFlip: {KnownNames.UnknownMessage("mode", mode, s_modes)}", nameof(mode)),
        };
        (Mode, Seed) = (mode, seed);
        _rng = Random.Source(seed);
        InputSpec = ImageAugmentation.ImageSpec();
    }

    /// <summary>Which flip: <c>horizontal</c>, <c>vertical</c> or <c>horizontal_and_vertical</c>.</summary>
    public string Mode { get; }

    /// <summary>The seed given, or null.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (!training)
        {
            return inputs;
        }

        int n = ImageAugmentation.Dims(inputs).Batch;
        int[]? rented = null;
        Span<int> flips = n <= StackImages ? stackalloc int[StackImages] : (rented = ArrayPool<int>.Shared.Rent(n));
        try
        {
            flips = flips[..n];
            lock (_rng)
            {
                for (int i = 0; i < n; i++)
                {
                    flips[i] = _rng.NextDouble() < 0.5 ? _code : 0;
                }
            }

            return Ops.FlipImages(inputs, flips);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return (int[])inputShape.Clone();
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["seed"] = Seed;
        config["mode"] = Mode;
        config["data_format"] = "channels_last";
        return config;
    }

    internal static RandomFlip FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        ImageAugmentation.CheckDataFormat(config, nameof(RandomFlip));
        return new(ConfigValues.GetString(config, "mode", null) ?? "horizontal_and_vertical", ConfigValues.GetNullableInt(config, "seed"),
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"mode={Mode}";
}
