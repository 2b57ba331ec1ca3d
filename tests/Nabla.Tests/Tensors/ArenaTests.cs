using Nabla.Autodiff;
using Nabla.Tensors;

namespace Nabla.Tests.Tensors;

public class ArenaTests
{
    [Fact]
    public void Op_results_outside_a_scope_are_ordinary_tensors()
    {
        Tensor a = Tensor.Ones(3), b = a * 2f, c = a * 2f;
        Assert.NotSame(b, c);
        Assert.Equal([2f, 2f, 2f], b.ToArray());
        Assert.Equal(0, Arena.Depth);
    }

    [Fact]
    public void A_new_tape_recycles_the_previous_steps_tensors()
    {
        Tensor x = Tensor.Ones(4);
        Tensor first, second;
        using (new GradientTape())
        {
            first = x * 3f;
        }

        Assert.Equal([3f, 3f, 3f, 3f], first.ToArray());   // alive until the next step starts
        using (new GradientTape())
        {
            second = x * 5f;
        }

        Assert.Same(first, second);                         // the same slot, reused
        Assert.Equal([5f, 5f, 5f, 5f], second.ToArray());
    }

    [Fact]
    public void Batch_scopes_recycle_their_own_slots_on_exit()
    {
        Tensor x = Tensor.Ones(2);
        int mark = Arena.BeginBatch();
        Tensor a = x * 2f;
        Arena.End(mark);
        mark = Arena.BeginBatch();
        Tensor b = x * 3f;
        Arena.End(mark);
        Assert.Same(a, b);
        Assert.Equal(0, Arena.Depth);
    }

    [Fact]
    public void Slot_buffers_grow_when_a_later_step_needs_more()
    {
        using (new GradientTape())
        {
            _ = Tensor.Ones(2) * 1f;
        }

        Tensor big;
        using (new GradientTape())
        {
            big = Tensor.Ones(1000) * 2f;
        }

        Assert.Equal(1000, big.Size);
        Assert.All(big.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void Clone_escapes_the_arena()
    {
        Tensor kept;
        using (new GradientTape())
        {
            kept = (Tensor.Ones(3) * 7f).Clone();
        }

        using (new GradientTape())
        {
            _ = Tensor.Ones(3) * 1f;
        }

        Assert.Equal([7f, 7f, 7f], kept.ToArray());
    }
}
