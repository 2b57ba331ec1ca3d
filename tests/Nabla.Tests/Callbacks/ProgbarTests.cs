using System.Text.RegularExpressions;
using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Callbacks;

/// <summary>
/// The live bar's redraw cadence, driven by a fake clock: Keras redraws when 50 ms of wall time have passed since
/// the last redraw, and always on the final update.
/// </summary>
public partial class ProgbarTests
{
    [GeneratedRegex(@"^\s*(\d+)/(\d+) ━{20} (\S+) ")]
    private static partial Regex Frame();

    // Runs `steps` updates, `millisecondsPerStep` apart, then the final update; returns each frame drawn, without colour.
    private static List<string> Run(int steps, int millisecondsPerStep, bool finalize = true)
    {
        var output = new StringWriter();
        var clock = new FakeClock();
        var bar = new Progbar(output, steps, oneLine: false, colors: false, clock);
        for (int step = 1; step < steps; step++)
        {
            clock.AdvanceMilliseconds(millisecondsPerStep);
            bar.Update(step, new Dictionary<string, double> { ["loss"] = 1.0 / step }, finalize: false);
        }

        clock.AdvanceMilliseconds(millisecondsPerStep);
        bar.Update(steps, new Dictionary<string, double> { ["loss"] = 0.5 }, finalize);
        return [.. output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static int[] DrawnSteps(List<string> frames) =>
        [.. frames.Select(f => int.Parse(Frame().Match(f).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [Fact]
    public void Fast_steps_redraw_every_50_ms_of_wall_time()
    {
        // 3 ms a step: the first update draws (at 3 ms), then every 17th step (17 x 3 = 51 ms >= 50 ms since the
        // last redraw): steps 1, 18, 35, ..., 1 + 17 x 110 = 1871, then the final step 1875. Before the fix the
        // timer restarted on every update, so only steps 1 and 1875 were drawn.
        int[] drawn = DrawnSteps(Run(1875, millisecondsPerStep: 3));
        int[] expected = [.. Enumerable.Range(0, 111).Select(j => 1 + (17 * j)), 1875];
        Assert.Equal(expected, drawn);
    }

    [Fact]
    public void A_redraw_is_due_when_exactly_50_ms_have_passed()
    {
        // 10 ms a step: steps 1, 6, 11, ... (50 ms after the last redraw counts as due), and the final step 20.
        Assert.Equal([1, 6, 11, 16, 20], DrawnSteps(Run(20, millisecondsPerStep: 10)));
    }

    [Fact]
    public void Slow_steps_redraw_on_every_step()
    {
        Assert.Equal([1, 2, 3, 4, 5], DrawnSteps(Run(5, millisecondsPerStep: 60)));
    }

    [Fact]
    public void The_final_update_always_redraws_and_ends_the_line()
    {
        // Step 2 comes 1 ms after the redraw of step 1, but it is the final update.
        List<string> frames = Run(2, millisecondsPerStep: 1);
        Assert.Equal([1, 2], DrawnSteps(frames));
        Assert.EndsWith("\n", frames[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("\n", frames[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_that_is_not_final_and_comes_early_is_not_drawn()
    {
        Assert.Equal([1], DrawnSteps(Run(2, millisecondsPerStep: 1, finalize: false)));
    }

    [Fact]
    public void The_eta_counts_down_while_running_and_the_final_line_shows_elapsed_time()
    {
        // 1000 steps of 10 ms: ETA = 10 ms x (1000 - step): 9s at step 1 (9.99 s), 5s at step 496 (5.04 s),
        // 0s at step 996 (0.04 s); the final frame shows the 10 s elapsed.
        List<string> frames = Run(1000, millisecondsPerStep: 10);
        var times = frames.Select(f => Frame().Match(f)).ToDictionary(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups[3].Value);
        Assert.Equal("9s", times[1]);
        Assert.Equal("5s", times[496]);
        Assert.Equal("0s", times[996]);
        Assert.Equal("10s", times[1000]);
        int[] etas = [.. frames.SkipLast(1).Select(f => int.Parse(Frame().Match(f).Groups[3].Value.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture))];
        Assert.True(etas.Zip(etas.Skip(1)).All(p => p.Second <= p.First), "The ETA must never go up at a steady pace: " + string.Join(", ", etas));
        Assert.Equal(10, etas.Distinct().Count());   // 9s, 8s, ..., 0s
    }

    [Fact]
    public void Minutes_long_etas_use_keras_clock_format()
    {
        // 2 s a step, 100 steps: ETA at step 1 = 198 s -> "3:18".
        List<string> frames = Run(100, millisecondsPerStep: 2000);
        Assert.Equal("3:18", Frame().Match(frames[0]).Groups[3].Value);
    }

    [Fact]
    public void Fit_on_a_terminal_redraws_as_the_clock_moves()
    {
        // 64 steps of 20 ms (a callback before the logger moves the clock): redraws at steps 1, 4, 7, ..., 64
        // (each 60 ms after the last; step 64's batch end is one of them), then the epoch's final line at 64.
        var clock = new FakeClock();
        var output = new StringWriter();
        var model = new Sequential([new Dense(2, activation: "softmax", inputShape: [3])]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        Tensor x = Tensor.RandomUniform([64, 3], seed: 1);
        Tensor y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 2)).ToArray(), 64);
        var tick = new LambdaCallback(onTrainBatchEnd: (_, _) => clock.AdvanceMilliseconds(20));
        model.Fit(x, y, batchSize: 1, epochs: 1, verbose: 1, callbacks: [tick, new ProgbarLogger(output, dynamicDisplay: true, colors: false, clock)]);
        var frames = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries).ToList();
        int[] expected = [.. Enumerable.Range(0, 22).Select(j => 1 + (3 * j)), 64];
        Assert.Equal(expected, DrawnSteps(frames));
    }
}
