using System.Diagnostics;
using Nabla.Autodiff;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// Wraps a function of tensors as a layer (Keras's <c>Lambda</c>), so that an expression can sit in a
/// <see cref="Sequential"/> or functional model.
/// </summary>
/// <remarks>
/// <para>
/// The function is built from <see cref="Ops"/> and tensor operators, so gradients flow through it. It must not keep
/// the tensors it receives beyond the call (inside <c>Fit</c> they are recycled between steps). A Lambda has no
/// weights of its own; a layer with state should subclass <see cref="Layer"/> instead.
/// </para>
/// <para>
/// The output shape is [batch, ..outputShape] when <c>outputShape</c> is given, otherwise found by running the function
/// once on zeros. A config cannot hold a C# delegate, so a Lambda cannot be recreated from one: a model that contains it
/// is rebuilt in code, or loaded after <c>LayerRegistry.Register("Lambda", …)</c> supplies the function (Keras too
/// refuses to load a Python lambda unless <c>safe_mode=False</c>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// model.Add(new Lambda(x => x * x));                                            // x -> x²
/// var sum = new Lambda((IReadOnlyList&lt;Tensor&gt; xs) => xs[0] + xs[1]).Apply([a, b]);   // several inputs
/// </code>
/// </example>
public sealed class Lambda : Layer
{
    private readonly Func<Tensor, Tensor>? _function;
    private readonly Func<IReadOnlyList<Tensor>, Tensor>? _listFunction;
    private readonly int[]? _outputShape;

    /// <summary>Creates a layer that applies <paramref name="function"/> to its input.</summary>
    /// <param name="function">The computation, from a batch (batch axis first) to a batch.</param>
    /// <param name="outputShape">The shape of one output sample (no batch axis), or null (default) to find it by running the function.</param>
    /// <param name="name">The layer's name (default <c>lambda</c>, made unique).</param>
    /// <exception cref="ArgumentException"><paramref name="outputShape"/> holds a length that is neither positive nor -1.</exception>
    public Lambda(Func<Tensor, Tensor> function, int[]? outputShape = null, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
        _outputShape = CheckOutputShape(outputShape);
    }

    /// <summary>
    /// Creates a layer that applies <paramref name="function"/> to a list of inputs, as <c>Lambda(lambda xs: …)</c> on
    /// a list in Keras. Type the parameter, <c>(IReadOnlyList&lt;Tensor&gt; xs) =&gt; xs[0] + xs[1]</c>, when the
    /// body would also compile for one tensor.
    /// </summary>
    /// <param name="function">The computation, from the input batches to one batch.</param>
    /// <param name="outputShape">The shape of one output sample (no batch axis), or null (default) to find it by running the function.</param>
    /// <param name="name">The layer's name (default <c>lambda</c>, made unique).</param>
    /// <exception cref="ArgumentException"><paramref name="outputShape"/> holds a length that is neither positive nor -1.</exception>
    public Lambda(Func<IReadOnlyList<Tensor>, Tensor> function, int[]? outputShape = null, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(function);
        _listFunction = function;
        _outputShape = CheckOutputShape(outputShape);
    }

    /// <summary>The declared shape of one output sample, or null.</summary>
    public int[]? OutputShapeArgument => (int[]?)_outputShape?.Clone();

    /// <inheritdoc/>
    protected override bool TakesInputList => _listFunction is not null;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        Checked((_function ?? throw new UnreachableException("A list Lambda is applied to lists only."))(inputs));

    /// <inheritdoc/>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training) =>
        _listFunction is { } f ? Checked(f(inputs)) : base.Call(inputs, training);

    /// <summary>[batch, ..outputShape] when the output shape was given; otherwise the shape of one run on zeros.</summary>
    /// <param name="inputShape">The input shape, batch axis first (-1 = unknown).</param>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return _outputShape is null ? base.ComputeOutputShape(inputShape) : [inputShape.Length > 0 ? inputShape[0] : -1, .. _outputShape];
    }

    /// <summary>The list form of <see cref="ComputeOutputShape(int[])"/>; the batch axis is the first input's.</summary>
    /// <param name="inputShapes">The input shapes, batch axis first (-1 = unknown).</param>
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (_listFunction is null)
        {
            return base.ComputeOutputShape(inputShapes);
        }

        int batch = inputShapes.Count > 0 && inputShapes[0].Length > 0 ? inputShapes[0][0] : -1;
        if (_outputShape is not null)
        {
            return [batch, .. _outputShape];
        }

        var probes = new Tensor[inputShapes.Count];
        for (int i = 0; i < probes.Length; i++)
        {
            probes[i] = Tensor.Zeros([.. inputShapes[i].Select(d => d < 0 ? 1 : d)]);
        }

        using (StepContext.Current.BeginInferenceBatch())
        {
            int[] output = Apply(probes, training: false).Shape;
            if (batch < 0 && output.Length > 0)
            {
                output[0] = -1;
            }

            return output;
        }
    }

    /// <summary>
    /// Keras's keys: <c>function</c> (a description of the delegate, in the place where Keras keeps a Python lambda's
    /// code), <c>output_shape</c> when given, and <c>arguments</c>.
    /// </summary>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["function"] = ConfigValues.Describe("__lambda__", new Dictionary<string, object?>
        {
            ["code"] = DelegateName,
            ["defaults"] = null,
            ["closure"] = null,
        });
        if (_outputShape is not null)
        {
            config["output_shape"] = (int[])_outputShape.Clone();
        }

        config["arguments"] = new Dictionary<string, object?>();
        return config;
    }

    /// <summary>Always fails: a config does not hold the C# function a Lambda wraps.</summary>
    /// <exception cref="NotSupportedException">Always, with how to rebuild the layer.</exception>
    internal static Lambda FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        string name = ConfigValues.GetString(config, "name", null) ?? "lambda";
        string? code = ConfigValues.GetDictionary(config, "function") is { } function && ConfigValues.GetDictionary(function, "config") is { } inner
            ? ConfigValues.GetString(inner, "code", null)
            : null;
        string what = code is null ? "a function" : $"a function ({code})";
        throw new NotSupportedException(
            $"Layer '{name}' (Lambda) wraps {what} that a config cannot hold, so it cannot be recreated from its config. " +
            $"Rebuild the model in code with new Lambda(x => ..., name: \"{name}\"), or register the function before loading: " +
            $"LayerRegistry.Register(\"Lambda\", config => new Lambda(x => ..., name: \"{name}\")). " +
            "(Keras likewise refuses to load a Python lambda unless safe_mode=False.)");
    }

    private string DelegateName
    {
        get
        {
            Delegate f = (Delegate?)_function ?? _listFunction!;
            return $"C# delegate {f.Method.DeclaringType?.FullName}.{f.Method.Name}";
        }
    }

    private Tensor Checked(Tensor? output) => output ?? throw new InvalidOperationException(
        $"Layer {Describe()}: the function returned null; it must return a Tensor.");

    private static int[]? CheckOutputShape(int[]? outputShape)
    {
        if (outputShape is not null && outputShape.Any(d => d <= 0 && d != -1))
        {
            throw new ArgumentException(
                $"Lambda: outputShape must hold positive lengths (or -1 for unknown), without the batch axis, but received {ShapeUtil.Format(outputShape)}.",
                nameof(outputShape));
        }

        return (int[]?)outputShape?.Clone();
    }
}
