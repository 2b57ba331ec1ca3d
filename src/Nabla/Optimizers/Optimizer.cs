using Nabla.Autodiff;
using Nabla.Saving;

namespace Nabla.Optimizers;

/// <summary>
/// The base of every optimizer (Keras's <c>keras.optimizers.Optimizer</c>): it owns the step count, the learning
/// rate or its schedule, gradient clipping and decoupled weight decay, and calls the subclass's update rule on
/// each variable.
/// </summary>
/// <remarks>
/// <para>
/// One update, <see cref="Apply(IReadOnlyList{Tensor}, IReadOnlyList{Variable})"/>, runs Keras's pipeline: build the
/// slots on first use; clip the gradients (<see cref="Clipnorm"/> per variable, <see cref="GlobalClipnorm"/> over
/// all of them, or <see cref="Clipvalue"/> elementwise; at most one of the three); decay each weight,
/// <c>w -= lr·weightDecay·w</c>; apply the subclass's rule with the learning rate of the current step; add one to
/// <see cref="Iterations"/>. Gradients are never modified; clipping works in the optimizer's own scratch memory.
/// </para>
/// <para>
/// To write an optimizer, implement <see cref="BuildSlots"/> (create per-variable state with <see cref="AddSlot"/>)
/// and <see cref="UpdateStep"/> (update one weight in place), and optionally <see cref="PrepareStep"/> for
/// scalars that depend only on the step. Strings convert implicitly, so a parameter typed <see cref="Optimizer"/>
/// accepts <c>"adam"</c>.
/// </para>
/// <para>
/// Variables on a device (a GPU): clipping, weight decay and the built-in rules (SGD, Adam, AdamW, RMSprop, Adagrad)
/// run there, and their slots live there. A custom optimizer's <see cref="UpdateStep"/> is span code, so by design it
/// runs on host copies: each step copies the weight and its (already clipped) gradient to the host, calls
/// <see cref="UpdateStep"/> with the whole variable, and copies the weight back; slots made with <see cref="AddSlot"/>
/// stay on the host. Results are the same as on the CPU; the price is two copies per variable and step.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var opt = new Adam(learningRate: 1e-3f, clipnorm: 1f);
/// using (var tape = new GradientTape()) { loss = ...; }
/// opt.Apply(tape.Gradient(loss, weights), weights);
/// </code>
/// </example>
public abstract partial class Optimizer
{
    private readonly List<Variable> _slots = [];
    private LearningRateSchedule? _schedule;
    private float _learningRate;
    private Variable[] _variables = [];
    private Dictionary<Variable, int> _indexOf = new(ReferenceEqualityComparer.Instance);

    /// <summary>Sets the options every optimizer shares.</summary>
    /// <param name="learningRate">A constant rate (a number converts implicitly) or a schedule.</param>
    /// <param name="weightDecay">Decoupled weight decay, or null for none.</param>
    /// <param name="clipnorm">Per-variable gradient norm limit, or null.</param>
    /// <param name="clipvalue">Elementwise gradient limit, or null.</param>
    /// <param name="globalClipnorm">Limit on the norm of all gradients together, or null.</param>
    /// <param name="name">The optimizer's name, the prefix of its slot variables' paths.</param>
    /// <exception cref="ArgumentException">More than one clip option is set, or <paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate, decay or clip value is negative, zero where it must be positive, or not finite.</exception>
    protected Optimizer(LearningRateSchedule learningRate, double? weightDecay, double? clipnorm, double? clipvalue, double? globalClipnorm, string name)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        if (learningRate is LearningRateSchedule.ConstantSchedule constant)
        {
            LearningRate = constant.Value;
        }
        else
        {
            _schedule = learningRate;
        }

        int clipOptions = (clipnorm.HasValue ? 1 : 0) + (clipvalue.HasValue ? 1 : 0) + (globalClipnorm.HasValue ? 1 : 0);
        if (clipOptions > 1)
        {
            throw new ArgumentException(
                $"Only one of clipnorm, clipvalue and globalClipnorm can be set. Received: clipnorm={Show(clipnorm)}, " +
                $"clipvalue={Show(clipvalue)}, globalClipnorm={Show(globalClipnorm)}.");
        }

        // Stored as float, the precision the update kernels use; checked after the conversion.
        (WeightDecay, Clipnorm, Clipvalue, GlobalClipnorm) = ((float?)weightDecay, (float?)clipnorm, (float?)clipvalue, (float?)globalClipnorm);
        if (WeightDecay is float wd)
        {
            Hyperparameters.NonNegative(this, wd, nameof(weightDecay));
        }

        Hyperparameters.PositiveIfSet(this, Clipnorm, nameof(clipnorm));
        Hyperparameters.PositiveIfSet(this, Clipvalue, nameof(clipvalue));
        Hyperparameters.PositiveIfSet(this, GlobalClipnorm, nameof(globalClipnorm));

        static string Show(double? v) => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null";
    }

    /// <summary>The optimizer's name, e.g. <c>adam</c>; its slot variables' paths start with it.</summary>
    public string Name { get; }

    /// <summary>How many updates have been applied; the step passed to the learning-rate schedule.</summary>
    public long Iterations { get; internal set; }

    /// <summary>
    /// The learning rate of the next update: the constant rate, or the schedule's value at <see cref="Iterations"/>.
    /// Setting it replaces a schedule with the constant (this is how ReduceLROnPlateau and LearningRateScheduler
    /// change it).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative or not finite.</exception>
    public float LearningRate
    {
        get => _schedule?.GetLearningRate(Iterations) ?? _learningRate;
        set
        {
            Hyperparameters.NonNegative(this, value, "learningRate");
            _learningRate = value;
            _schedule = null;
        }
    }

    /// <summary>The learning-rate schedule, or null when the rate is a constant.</summary>
    public LearningRateSchedule? Schedule => _schedule;

    /// <summary>Decoupled weight decay (each update first does <c>w -= lr·WeightDecay·w</c>), or null for none.</summary>
    public float? WeightDecay { get; }

    /// <summary>When set, each variable's gradient is rescaled so that its L2 norm is at most this value.</summary>
    public float? Clipnorm { get; }

    /// <summary>When set, each gradient element is clipped to [-Clipvalue, Clipvalue].</summary>
    public float? Clipvalue { get; }

    /// <summary>When set, all gradients are rescaled together so that their joint L2 norm is at most this value.</summary>
    public float? GlobalClipnorm { get; }

    /// <summary>Whether the slots have been created (by <see cref="Build"/> or the first update).</summary>
    public bool IsBuilt { get; private set; }

    /// <summary>
    /// The optimizer's slot variables (momentums, velocities, …) in creation order, named like Keras's, e.g.
    /// <c>adam/dense_kernel_momentum</c>. Keras's <c>optimizer.variables</c> also lists the step count and the
    /// learning rate; here they are <see cref="Iterations"/> and <see cref="LearningRate"/>.
    /// </summary>
    public IReadOnlyList<Variable> Variables => _slots;

    /// <summary>
    /// Returns the optimizer named <paramref name="name"/> with Keras's default settings (case-insensitive, as
    /// Keras): <c>adagrad</c>, <c>adam</c>, <c>adamw</c>, <c>rmsprop</c>, <c>sgd</c>.
    /// </summary>
    /// <param name="name">The optimizer's name.</param>
    /// <exception cref="ArgumentException">No optimizer has that name; the message lists the known ones.</exception>
    public static Optimizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Serialization.Get<Optimizer>(name);
    }

    /// <summary>The optimizer named <paramref name="name"/>, as <see cref="Get"/>, so that <c>optimizer: "adam"</c> works.</summary>
    /// <param name="name">The optimizer's name.</param>
    public static implicit operator Optimizer(string name) => Get(name);

    /// <summary>
    /// Creates the slots for <paramref name="variables"/>, the variables every later update may touch. Called by
    /// the first update; calling it again does nothing (as Keras).
    /// </summary>
    /// <param name="variables">The trainable variables, in the order the model lists them.</param>
    /// <exception cref="ArgumentException">A variable is null or listed twice.</exception>
    public void Build(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (IsBuilt)
        {
            return;
        }

        var vars = new Variable[variables.Count];
        var index = new Dictionary<Variable, int>(vars.Length, ReferenceEqualityComparer.Instance);
        int largest = 0;
        for (int i = 0; i < vars.Length; i++)
        {
            Variable v = variables[i] ?? throw new ArgumentException($"Optimizer '{Name}': variables[{i}] is null.", nameof(variables));
            if (!index.TryAdd(v, i))
            {
                throw new ArgumentException($"Optimizer '{Name}': variable '{v.Path}' is listed twice (at {index[v]} and {i}).", nameof(variables));
            }

            vars[i] = v;
            largest = Math.Max(largest, v.Value.Size);
        }

        (_variables, _indexOf) = (vars, index);
        BuildSlots(vars);
        if (Clipnorm.HasValue || Clipvalue.HasValue || GlobalClipnorm.HasValue)
        {
            _clipped = new float[largest];
        }

        IsBuilt = true;
    }

    /// <summary>
    /// The optimizer's settings under Keras's config keys (<c>name</c>, <c>learning_rate</c>, <c>weight_decay</c>,
    /// <c>clipnorm</c>, …, then the subclass's own, such as <c>beta_1</c>). A schedule appears in its Keras
    /// serialized form.
    /// </summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => BaseConfig();

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name} '{Name}' (learning_rate={LearningRate}, iterations={Iterations})";

    /// <summary>Creates the per-variable state; called once, by <see cref="Build"/>.</summary>
    /// <param name="variables">The variables, indexed by the <c>slot</c> number <see cref="UpdateStep"/> receives.</param>
    protected abstract void BuildSlots(IReadOnlyList<Variable> variables);

    /// <summary>
    /// Updates one weight in place from its (clipped) gradient. Runs for every variable on every training step,
    /// so it must not allocate.
    /// </summary>
    /// <remarks>
    /// For variables on a device, this runs on host copies of the whole variable and its clipped gradient (see the class
    /// remarks); the built-in optimizers use device kernels instead.
    /// When <see cref="UpdatesElementwise"/> is true, the base class may pass a segment of a variable, the elements
    /// [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="weight"/>.Length), and may update
    /// different segments on different threads at once; slot state is then sliced the same way with
    /// <see cref="SlotSegment"/>. Otherwise <paramref name="offset"/> is always 0 and the spans cover the variable.
    /// </remarks>
    /// <param name="weight">The variable's elements (or a segment of them), updated in place (weight decay is already applied).</param>
    /// <param name="gradient">The gradient of those elements, of the same length.</param>
    /// <param name="slot">The variable's index in the list given to <see cref="BuildSlots"/>.</param>
    /// <param name="offset">Where <paramref name="weight"/> starts within the variable's elements.</param>
    /// <param name="learningRate">The learning rate of this step.</param>
    protected abstract void UpdateStep(Span<float> weight, ReadOnlySpan<float> gradient, int slot, int offset, float learningRate);

    /// <summary>
    /// Whether <see cref="UpdateStep"/> treats every element on its own (true for Keras's built-in optimizers), so
    /// that a large update can be split into segments that run in parallel. Default false: a custom rule that needs
    /// a whole variable at once (a norm, say) always receives it whole.
    /// </summary>
    protected virtual bool UpdatesElementwise => false;

    /// <summary>The elements of a slot variable that match the segment <see cref="UpdateStep"/> received.</summary>
    /// <param name="slotVariable">A slot created with <see cref="AddSlot"/>.</param>
    /// <param name="offset">The segment's offset, as given to <see cref="UpdateStep"/>.</param>
    /// <param name="length">The segment's length (the length of the weight span).</param>
    /// <returns>The slot's elements [offset, offset + length).</returns>
    protected static Span<float> SlotSegment(Variable slotVariable, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(slotVariable);
        return slotVariable.Value.Span.Slice(offset, length);
    }

    /// <summary>
    /// Called once per update before the first <see cref="UpdateStep"/>, with <see cref="Iterations"/> still at
    /// the count before this update; override it to compute step-dependent scalars once instead of per variable.
    /// </summary>
    /// <param name="learningRate">The learning rate of this step.</param>
    protected virtual void PrepareStep(float learningRate)
    {
    }

    /// <summary>
    /// Creates a slot variable shaped like <paramref name="reference"/>, filled with <paramref name="initialValue"/>
    /// and named as Keras names it: <c>{optimizer}/{reference path with '/' → '_'}_{name}</c>, e.g.
    /// <c>adam/dense_kernel_momentum</c>.
    /// </summary>
    /// <param name="reference">The model variable the slot belongs to.</param>
    /// <param name="name">The slot's kind, e.g. <c>momentum</c>.</param>
    /// <param name="initialValue">The starting value of every element (default 0).</param>
    protected Variable AddSlot(Variable reference, string name, float initialValue = 0f)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string slotName = $"{reference.Path.Replace('/', '_')}_{name}";
        Tensor value = Tensor.Full(reference.Value.Dims, initialValue);
        var slot = new Variable(SlotsOnDevice ? value.To(reference.Value.Device) : value, slotName, trainable: false);
        slot.Path = $"{Name}/{slotName}";
        _slots.Add(slot);
        return slot;
    }

    /// <summary>The shared config entries, for subclasses to extend in <see cref="GetConfig"/>.</summary>
    protected Dictionary<string, object?> BaseConfig() => new()
    {
        ["name"] = Name,
        ["learning_rate"] = _schedule is null ? _learningRate : _schedule.Serialize(),
        ["weight_decay"] = WeightDecay,
        ["clipnorm"] = Clipnorm,
        ["global_clipnorm"] = GlobalClipnorm,
        ["clipvalue"] = Clipvalue,
        ["use_ema"] = false,
        ["ema_momentum"] = 0.99,
        ["ema_overwrite_frequency"] = null,
        ["loss_scale_factor"] = null,
        ["gradient_accumulation_steps"] = null,
    };
}
