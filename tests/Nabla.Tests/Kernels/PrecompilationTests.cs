using Nabla.Datasets;
using Nabla.Kernels;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class PrecompilationTests
{
    [Fact]
    public void Loading_a_dataset_starts_the_background_compilation_which_finishes_without_a_refused_method()
    {
        _ = Mnist.LoadData(ShippedData.Folder("mnist-10k"));

        Thread? thread = Precompilation.Thread;
        Assert.NotNull(thread);
        Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "the background compilation did not finish within 2 minutes");
        Assert.True(Precompilation.Failures == 0, $"{Precompilation.Failures} methods refused; the last: {Precompilation.LastFailure}");
    }

    [Fact]
    public void Prepare_compiles_the_methods_of_a_kernel_class_and_its_nested_types_and_the_common_instantiations()
    {
        int failures = Precompilation.Failures;

        // Gemm has non-generic methods of its own and nested job structs; RowGather only its own.
        int gemm = Precompilation.Prepare(typeof(Gemm));
        int rowGather = Precompilation.Prepare(typeof(RowGather));

        // ActivationDriver's kernels are generic over the activation: one non-generic method, and MapBias (among
        // others) instantiated for the identity and ReLU.
        int activations = Precompilation.Prepare(typeof(ActivationDriver));

        Assert.InRange(gemm, 20, 1000);
        Assert.InRange(rowGather, 1, 100);
        Assert.InRange(activations, 3, 100);
        Assert.Equal(failures, Precompilation.Failures);
    }

    [Fact]
    public void Once_training_has_begun_a_caller_that_yields_to_it_compiles_nothing_and_any_other_caller_still_does()
    {
        Precompilation.TrainingBegins();

        Assert.True(Precompilation.HasTrainingBegun);
        Assert.Equal(0, Precompilation.Prepare(typeof(Pooling), yieldToTraining: true));
        Assert.InRange(Precompilation.Prepare(typeof(Pooling)), 5, 1000);
    }

    [Fact]
    public void Fit_tells_the_background_compilation_that_training_has_begun()
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile(optimizer: "sgd", loss: "mse");

        model.Fit(Tensor.Zeros(4, 2), Tensor.Zeros(4, 1), epochs: 1, verbose: 0);

        Assert.True(Precompilation.HasTrainingBegun);
    }

    [Fact]
    public void Of_many_threads_that_ask_at_once_exactly_one_gets_the_thread()
    {
        for (int round = 0; round < 50; round++)
        {
            int flag = 0, created = 0;
            using var barrier = new Barrier(8);
            System.Threading.Tasks.Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            {
                barrier.SignalAndWait();
                Thread? thread = Precompilation.CreateOnce(ref flag, () => true, () => { }, "test");
                if (thread is not null)
                {
                    Assert.True(thread.IsBackground, "the compilation thread must not keep the process alive");
                    Assert.Equal(ThreadPriority.BelowNormal, thread.Priority);
                    Interlocked.Increment(ref created);
                }
            });

            Assert.Equal(1, created);
            Assert.Null(Precompilation.CreateOnce(ref flag, () => true, () => { }, "test"));
        }
    }

    [Fact]
    public void Switched_off_no_thread_is_created_and_the_switch_is_on_unless_set()
    {
        int flag = 0;
        Assert.Null(Precompilation.CreateOnce(ref flag, () => false, () => { }, "test"));
        Assert.Null(Precompilation.CreateOnce(ref flag, () => true, () => { }, "test"));  // asked once: done

        // Not set in this process: on. (Setting it here would race the dataset tests, which start the compilation.)
        Assert.False(AppContext.TryGetSwitch(Precompilation.Switch, out _));
        Assert.True(Precompilation.Enabled());
    }
}
