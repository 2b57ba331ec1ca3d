using System.Globalization;
using System.Text.Json;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>
/// The parametric ReLU (Keras's <c>PReLU</c>): x for x ≥ 0 and alpha·x for x &lt; 0, where <c>alpha</c> is a trained
/// weight with one value per input element (per sample), or per group of elements along the shared axes.
/// </summary>
/// <remarks>
/// Input: [batch, d1, …], every axis after the batch known unless shared. Output: the same shape. Weight:
/// <c>alpha</c> of shape [d1, …] with each shared axis of length 1 (He et al., 2015). Computed as
/// relu(x) + alpha·min(x, 0), so gradients reach both x and alpha.
/// </remarks>
/// <example>
/// <code>
/// var layer = new PReLU(sharedAxes: [1, 2]);   // one alpha per channel of [batch, height, width, channels]
/// </code>
/// </example>
public sealed class PReLU : Layer
{
    private readonly int[]? _sharedAxes;
    private Variable? _alpha;

    /// <summary>Creates the layer.</summary>
    /// <param name="alphaInitializer">How to fill <c>alpha</c> (default <c>zeros</c>: the layer starts as a ReLU).</param>
    /// <param name="alphaRegularizer">A penalty on <c>alpha</c> added to the loss (default none).</param>
    /// <param name="sharedAxes">Axes (1 or more, the batch axis being 0) along which one alpha serves all elements, or null (default) for none.</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer.</param>
    /// <param name="name">The layer's name (default <c>p_re_lu</c>, made unique, as Keras names it).</param>
    /// <exception cref="ArgumentOutOfRangeException">A shared axis is 0 (the batch axis) or negative.</exception>
    public PReLU(Initializer? alphaInitializer = null, Regularizer? alphaRegularizer = null, int[]? sharedAxes = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (sharedAxes is not null && sharedAxes.Any(a => a < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sharedAxes), sharedAxes.First(a => a < 1), string.Create(CultureInfo.InvariantCulture,
                $"PReLU: sharedAxes must name axes after the batch axis (1 or more), but received [{string.Join(", ", sharedAxes)}]."));
        }

        AlphaInitializer = alphaInitializer ?? new Zeros();
        AlphaRegularizer = alphaRegularizer;
        _sharedAxes = sharedAxes is null ? null : (int[])sharedAxes.Clone();
    }

    /// <summary>How <c>alpha</c> is filled.</summary>
    public Initializer AlphaInitializer { get; }

    /// <summary>The penalty on <c>alpha</c>, or null.</summary>
    public Regularizer? AlphaRegularizer { get; }

    /// <summary>The axes along which alpha is shared, or null.</summary>
    public IReadOnlyList<int>? SharedAxes => _sharedAxes;

    /// <summary>The slopes for negative inputs, once built.</summary>
    public Variable? Alpha => _alpha;

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        int rank = inputShape.Length;
        foreach (int axis in _sharedAxes ?? [])
        {
            if (axis >= rank)
            {
                throw new ShapeMismatchException(Name, $"input of rank above {axis}", ShapeText(inputShape),
                    $"Layer {Describe()} shares alpha along axis {axis}, but received input of shape {ShapeText(inputShape)} (rank {rank}).");
            }
        }

        int[] alphaShape = inputShape[1..];
        var axes = new Dictionary<int, int>();
        for (int i = 1; i < rank; i++)
        {
            if (_sharedAxes is not null && _sharedAxes.Contains(i))
            {
                alphaShape[i - 1] = 1;
            }
            else if (inputShape[i] < 0)
            {
                throw new ShapeMismatchException(Name, $"a known length on axis {i}", ShapeText(inputShape),
                    $"Layer {Describe()} needs one alpha per element, but axis {i} of input shape {ShapeText(inputShape)} is unknown. " +
                    $"Give the input a known length there, or share alpha along it: sharedAxes: [{i}].");
            }
            else
            {
                axes[i] = inputShape[i];
            }
        }

        InputSpec = new InputSpec(rank: rank, axes: axes);
        _alpha = AddWeight("alpha", alphaShape, AlphaInitializer, regularizer: AlphaRegularizer);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        Ops.Add(Ops.Relu(inputs), Ops.Multiply(_alpha!.Value, Ops.Minimum(inputs, 0f)));

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["alpha_initializer"] = ConfigValues.Describe(AlphaInitializer.GetType().Name, AlphaInitializer.GetConfig());
        config["alpha_regularizer"] = AlphaRegularizer is null ? null : ConfigValues.Describe(AlphaRegularizer.GetType().Name, AlphaRegularizer.GetConfig());
        config["alpha_constraint"] = null;   // Keras's key; Nabla has no weight constraints
        config["shared_axes"] = _sharedAxes is null ? null : (int[])_sharedAxes.Clone();
        return config;
    }

    internal static PReLU FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        if (config.TryGetValue("alpha_constraint", out object? constraint) && constraint is not null and not JsonElement { ValueKind: JsonValueKind.Null })
        {
            throw new ArgumentException(
                $"PReLU '{ConfigValues.GetString(config, "name", "p_re_lu")}': the config has an alpha_constraint, but Nabla has no weight " +
                "constraints, and training without it would differ. Remove the constraint from the model, or rebuild the layer without it.");
        }

        return new(ConfigValues.GetInitializer(config, "alpha_initializer"), ConfigValues.GetRegularizer(config, "alpha_regularizer"),
            ConfigValues.GetIntArray(config, "shared_axes"), ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() =>
        _sharedAxes is null ? string.Empty : $"shared_axes=[{string.Join(", ", _sharedAxes)}]";

    private static string ShapeText(int[] shape) => Tensors.ShapeUtil.Format(shape).Replace("-1", "None", StringComparison.Ordinal);
}
