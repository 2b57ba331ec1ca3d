using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class GradientTapeTests
{
    [Fact]
    public void Gradient_of_a_product_is_the_other_factor()
    {
        var w = new Variable(Tensor.FromArray([2f, -3f], 2), "w");
        Tensor x = Tensor.FromArray([5f, 7f], 2);
        Tensor y;
        using var tape = new GradientTape();
        y = Ops.Multiply(w, x);
        tape.Dispose();

        // d(Σ w·x)/dw = x
        Tensor g = tape.Gradient(y, [w])[0];
        Assert.Equal([5f, 7f], g.ToArray());
    }

    [Fact]
    public void A_variable_used_twice_accumulates_both_paths()
    {
        var w = new Variable(Tensor.FromArray([3f], 1), "w");
        using var tape = new GradientTape();
        Tensor y = Ops.Multiply(Ops.Multiply(w, w), 2f);   // 2w², d/dw = 4w = 12
        Assert.Equal([12f], tape.Gradient(y, [w])[0].ToArray());
    }

    [Fact]
    public void Nothing_is_recorded_outside_a_tape()
    {
        var w = new Variable(Tensor.Ones(2), "w");
        Tensor y = Ops.Multiply(w, 2f);
        Assert.Equal(-1, y.NodeIndex);
        Assert.Equal(0, StepContext.Current.Tape.IsRecording ? 1 : 0);
    }

    [Fact]
    public void Untracked_tensors_are_not_recorded()
    {
        using var tape = new GradientTape();
        Tensor y = Ops.Multiply(Tensor.Ones(3), 2f);
        Assert.Equal(-1, y.NodeIndex);
    }

    [Fact]
    public void Non_trainable_variables_get_zero_gradients()
    {
        var w = new Variable(Tensor.Ones(2), "frozen", trainable: false);
        var v = new Variable(Tensor.Ones(2), "v");
        using var tape = new GradientTape();
        Tensor y = Ops.Multiply(Ops.Multiply(w, v), 3f);
        IReadOnlyList<Tensor> g = tape.Gradient(y, [w, v]);
        Assert.Equal([0f, 0f], g[0].ToArray());
        Assert.Equal([3f, 3f], g[1].ToArray());
    }

    [Fact]
    public void Watched_inputs_get_gradients_with_broadcasting_reduced_back()
    {
        Tensor a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Tensor b = Tensor.FromArray([10f, 20f, 30f], 3);
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);
        Tensor y = Ops.Multiply(a, b);
        IReadOnlyList<Tensor> g = tape.Gradient(y, [a, b]);
        Assert.Equal([10f, 20f, 30f, 10f, 20f, 30f], g[0].ToArray());  // dy/da = b, broadcast
        Assert.Equal([5f, 7f, 9f], g[1].ToArray());                   // dy/db = Σ_rows a
        Assert.Equal([3], g[1].Shape);
    }

    [Fact]
    public void Tapes_do_not_nest()
    {
        using var outer = new GradientTape();
        AssertEx.Throws<InvalidOperationException>(() => new GradientTape(), "already recording", "do not nest");
    }

    [Fact]
    public void A_stale_tape_refuses_to_compute_gradients()
    {
        var w = new Variable(Tensor.Ones(1), "w");
        GradientTape old;
        Tensor y;
        using (old = new GradientTape())
        {
            y = Ops.Multiply(w, 2f);
        }

        using (new GradientTape())
        {
        }

        AssertEx.Throws<InvalidOperationException>(() => old.Gradient(y, [w]), "newer tape has started");
    }

    [Fact]
    public void Watch_after_dispose_is_an_error()
    {
        var tape = new GradientTape();
        tape.Dispose();
        AssertEx.Throws<InvalidOperationException>(() => tape.Watch(Tensor.Ones(1)), "while the tape is recording");
    }

    [Fact]
    public void Nothing_is_recorded_after_the_tape_is_disposed()
    {
        var w = new Variable(Tensor.FromArray([1f, 2f], 2), "w");
        Tensor y;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            y = Ops.Multiply(w, 2f);
        }

        int recorded = StepContext.Current.Tape.Count;
        Tensor after = Ops.Multiply(Ops.Add(w, 1f), w);   // trainable inputs: an open tape would record both ops
        Assert.Equal(-1, after.NodeIndex);
        Assert.Equal(recorded, StepContext.Current.Tape.Count);
        Assert.Null(Tape.Recording);
        Assert.False(tape.IsRecording);

        // The step's own records are intact, and computing its gradients records nothing either.
        Assert.Equal([2f, 2f], tape.Gradient(y, [w])[0].ToArray());
        Assert.Equal(recorded, StepContext.Current.Tape.Count);
    }

    [Fact]
    public void Nothing_is_recorded_while_gradients_are_computed()
    {
        // A rule that runs a public op on a trainable variable during the reverse pass: if the tape recorded while
        // rules run, that op would add a node (and the sweep would see a node it did not expect).
        var w = new Variable(Tensor.FromArray([1f, 2f], 2), "w");
        using var tape = new GradientTape();
        Tensor y = Ops.Multiply(w, 2f);
        Tensor output = Tensor.Zeros(2);
        OpInBackwardNode probe = StepContext.Current.Tape.RecordUnary<OpInBackwardNode>(output, y);
        probe.Variable = w;
        int recorded = StepContext.Current.Tape.Count;

        IReadOnlyList<Tensor> g = tape.Gradient(output, [w]);

        Assert.True(probe.Ran);
        Assert.False(probe.SawRecording);
        Assert.Equal(-1, probe.OpNodeIndex);
        Assert.Equal(recorded, StepContext.Current.Tape.Count);
        Assert.Equal([2f, 2f], g[0].ToArray());   // d(2w)/dw, passed through the probe unchanged

        // Recording resumes afterwards, since the tape is still open.
        Assert.True(tape.IsRecording);
        Assert.True(Ops.Multiply(w, 3f).NodeIndex >= 0);
    }

    [Fact]
    public void Each_Gradient_call_of_a_step_returns_its_own_list()
    {
        // Every list is the caller's: lists handed out during one step are never shared.
        var w = new Variable(Tensor.FromArray([1f, 2f, 3f], 3), "w");
        var v = new Variable(Tensor.FromArray([4f], 1), "v");
        using var tape = new GradientTape();
        Tensor y = Ops.Multiply(Ops.Multiply(w, w), v);   // y = w²·v: dΣy/dw = 2w·v, dΣy/dv = Σw² = 14
        var lists = new List<(IReadOnlyList<Tensor> Grads, int K)>();
        for (int k = 1; k <= 20; k++)   // more calls than the pool keeps, lengths 1 and 2 mixed
        {
            Tensor target = Ops.Multiply(y, k);
            lists.Add((k % 3 == 0 ? tape.Gradient(target, [w]) : tape.Gradient(target, [w, v]), k));
        }

        foreach ((IReadOnlyList<Tensor> grads, int k) in lists)
        {
            Assert.Equal(k % 3 == 0 ? 1 : 2, grads.Count);
            Assert.Equal([8f * k, 16f * k, 24f * k], grads[0].ToArray());
            if (grads.Count == 2)
            {
                Assert.Equal([14f * k], grads[1].ToArray());
            }
        }
    }

    /// <summary>Passes the gradient through to its input, after running an op and noting whether the tape records.</summary>
    private sealed class OpInBackwardNode : UnaryNode
    {
        public Variable Variable { get; set; } = null!;

        public bool Ran { get; private set; }

        public bool SawRecording { get; private set; }

        public int OpNodeIndex { get; private set; } = int.MinValue;

        public override string Name => "OpInBackward";

        public override void Backward(Tensor grad, Tape tape)
        {
            Ran = true;
            SawRecording = Tape.Recording is not null;
            OpNodeIndex = Ops.Multiply(Variable, 3f).NodeIndex;
            tape.Accumulate(X, grad);
        }
    }
}
