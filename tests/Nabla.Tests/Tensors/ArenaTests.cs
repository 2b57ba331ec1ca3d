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
        Assert.Equal(0, StepContext.Current.Arena.Depth);
    }

    [Fact]
    public void A_users_tape_never_recycles_what_it_computed()
    {
        Tensor x = Tensor.Ones(4);
        Tensor first, second;
        using (new GradientTape())
        {
            first = x * 3f;
        }

        using (new GradientTape())
        {
            second = x * 5f;
        }

        Assert.NotSame(first, second);
        Assert.Equal([3f, 3f, 3f, 3f], first.ToArray());
        Assert.Equal([5f, 5f, 5f, 5f], second.ToArray());
        Assert.Equal(0, StepContext.Current.Arena.Depth);
    }

    [Fact]
    public void The_trainers_step_recycles_the_previous_steps_tensors()
    {
        Tensor x = Tensor.Ones(4);
        Tensor first, second;
        using (StepContext.Current.BeginTrainingStep())
        {
            first = x * 3f;
        }

        Assert.Equal([3f, 3f, 3f, 3f], first.ToArray());   // readable until the next step starts
        using (StepContext.Current.BeginTrainingStep())
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
        Tensor a, b;
        using (StepContext.Current.BeginInferenceBatch())
        {
            a = x * 2f;
        }

        using (StepContext.Current.BeginInferenceBatch())
        {
            b = x * 3f;
        }

        Assert.Same(a, b);
        Assert.Equal(0, StepContext.Current.Arena.Depth);
    }

    [Fact]
    public void A_batch_inside_a_finished_training_step_leaves_the_steps_results_intact()
    {
        Tensor x = Tensor.Ones(3);
        Tensor loss;
        using (StepContext.Current.BeginTrainingStep())
        {
            loss = x * 7f;
        }

        using (StepContext.Current.BeginInferenceBatch())   // e.g. Evaluate from a batch callback
        {
            _ = x * 2f;
        }

        Assert.Equal([7f, 7f, 7f], loss.ToArray());
    }

    [Fact]
    public void Slot_buffers_grow_when_a_later_step_needs_more()
    {
        using (StepContext.Current.BeginTrainingStep())
        {
            _ = Tensor.Ones(2) * 1f;
        }

        Tensor big;
        using (StepContext.Current.BeginTrainingStep())
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
        using (StepContext.Current.BeginTrainingStep())
        {
            kept = (Tensor.Ones(3) * 7f).Clone();
        }

        using (StepContext.Current.BeginTrainingStep())
        {
            _ = Tensor.Ones(3) * 1f;
        }

        Assert.Equal([7f, 7f, 7f], kept.ToArray());
    }

    [Fact]
    public void Closing_a_scope_that_was_never_opened_is_an_error()
    {
        var arena = new Arena();
        Assert.Throws<InvalidOperationException>(arena.EndStep);
        Assert.Throws<InvalidOperationException>(() => arena.EndBatch(0));
    }
}
