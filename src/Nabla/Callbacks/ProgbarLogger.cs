namespace Nabla.Callbacks;

/// <summary>
/// Prints training progress in Keras 3's format (Keras's <c>ProgbarLogger</c>); <c>Fit</c>, <c>Evaluate</c> and
/// <c>Predict</c> add one automatically unless <c>verbose</c> is 0.
/// </summary>
/// <remarks>
/// On a terminal with <c>verbose: 1</c>, one line per epoch is redrawn in place: the bar, ETA (elapsed time at the
/// end), time per step and the running metrics, the done part in green unless <c>NO_COLOR</c> is set. With
/// <c>verbose: 2</c>, or when output is redirected (a log file, CI), one plain line per epoch:
/// <c>1875/1875 - 1s - 512us/step - accuracy: 0.8236 - loss: 0.5012</c>. Validation inside <c>Fit</c> is silent;
/// its <c>val_</c> metrics appear on the epoch's line.
/// </remarks>
public sealed class ProgbarLogger : Callback
{
    private readonly TextWriter _out;
    private readonly bool _dynamic;
    private readonly bool _colors;
    private readonly TimeProvider _clock;
    private Progbar? _bar;
    private int _seen;
    private bool _inFit;

    /// <summary>Creates a logger writing to the console, redrawing only when the console is a terminal.</summary>
    public ProgbarLogger()
        : this(Console.Out, !Console.IsOutputRedirected, colors: !Console.IsOutputRedirected && ColorAllowed())
    {
    }

    /// <summary>Creates a logger writing to <paramref name="output"/> (tests, custom sinks), timed by <paramref name="clock"/> (default: the system clock).</summary>
    internal ProgbarLogger(TextWriter output, bool dynamicDisplay, bool colors, TimeProvider? clock = null)
    {
        _out = output;
        _dynamic = dynamicDisplay;
        _colors = colors && dynamicDisplay;
        _clock = clock ?? TimeProvider.System;
    }

    private int Verbose => Params.Verbose;

    private bool OneLine => Verbose == 2 || !_dynamic;

    /// <inheritdoc/>
    public override void OnTrainBegin(Dictionary<string, double> logs) => _inFit = true;

    /// <inheritdoc/>
    public override void OnTrainEnd(Dictionary<string, double> logs) => _inFit = false;

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, Dictionary<string, double> logs)
    {
        Reset();
        Bar();
        if (Verbose != 0 && Params.Epochs > 1)
        {
            _out.WriteLine($"Epoch {epoch + 1}/{Params.Epochs}");
        }
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, Dictionary<string, double> logs) => Step(batch, logs);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs) => Finish(logs);

    /// <inheritdoc/>
    public override void OnTestBegin(Dictionary<string, double> logs)
    {
        if (!_inFit)
        {
            Reset();
            Bar();
        }
    }

    /// <inheritdoc/>
    public override void OnTestBatchEnd(int batch, Dictionary<string, double> logs)
    {
        if (!_inFit)
        {
            Step(batch, logs);
        }
    }

    /// <inheritdoc/>
    public override void OnTestEnd(Dictionary<string, double> logs)
    {
        if (!_inFit)
        {
            Finish(logs);
        }
    }

    /// <inheritdoc/>
    public override void OnPredictBegin(Dictionary<string, double> logs)
    {
        Reset();
        Bar();
    }

    /// <inheritdoc/>
    public override void OnPredictBatchEnd(int batch, Dictionary<string, double> logs) => Step(batch, null);

    /// <inheritdoc/>
    public override void OnPredictEnd(Dictionary<string, double> logs) => Finish(null);

    private void Reset()
    {
        _seen = 0;
        _bar = null;
    }

    // The bar starts its clock when created, so it is created when the epoch (or evaluation) begins, as in Keras.
    private Progbar Bar() => _bar ??= new Progbar(_out, Params.Steps, OneLine, _colors, _clock);

    private void Step(int batch, Dictionary<string, double>? logs)
    {
        _seen = batch + 1;
        if (Verbose == 1)
        {
            Bar().Update(_seen, logs, finalize: false);
        }
    }

    private void Finish(Dictionary<string, double>? logs)
    {
        if (Verbose == 0)
        {
            return;
        }

        Progbar bar = Bar();
        bar.Target ??= _seen;
        bar.Update(bar.Target.Value, logs, finalize: true);
    }

    private static bool ColorAllowed() =>
        Environment.GetEnvironmentVariable("NO_COLOR") is null && Environment.GetEnvironmentVariable("TERM") != "dumb";
}
