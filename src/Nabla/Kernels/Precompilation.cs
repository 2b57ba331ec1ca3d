using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// Compiles the kernels on a background thread while the program loads a dataset, so that the first training step
/// does not wait for the JIT.
/// </summary>
/// <remarks>
/// <para>
/// The library ships as a ReadyToRun image (build/ReadyToRun.targets) whose code the runtime uses as it is (no tiered
/// compilation: build/Nabla.targets). What the image cannot hold is compiled on first call: the kernels marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/> (their precompiled code ran slower than the JIT's),
/// methods whose code depends on an instruction set beyond AVX2 and FMA, and the <see cref="TensorPrimitives"/>
/// functions, which live in another assembly. In a fresh process those compilations took about 0.1 s of the main
/// sample's first training step, a third of a whole epoch.
/// </para>
/// <para>
/// <see cref="Start"/>, called when a dataset loader (<c>Mnist.LoadData</c>, <c>FashionMnist.LoadData</c>,
/// <c>DatasetCatalog.Load</c>) begins, starts one background thread, once per process. It
/// asks the runtime to compile every non-generic method of the kernel classes (and of their nested types) for the
/// vector paths this machine has, and runs on small arrays of its own (<see cref="Rehearsal"/>) the
/// <see cref="TensorPrimitives"/> functions that training uses and the generic instantiations that reflection does not
/// reach (the GEMM edge tiles, the ReLU gradient's column sums, softmax's vector exponentials). A method that the main
/// thread reaches while the background thread compiles it is waited for, not compiled twice. The thread changes no
/// state of the library (it reads which GEMM path is active, to choose the instantiations), so compiling ahead changes
/// nothing but time; a method the runtime refuses to compile ahead is compiled on its first call, as without this
/// class, and counted in <see cref="Failures"/>, as is anything else that goes wrong on the thread, which never
/// reaches the process. The thread asks for below-normal priority, a hint that the runtime on Linux may not apply.
/// </para>
/// <para>
/// It takes 0.17-0.22 s of one core once (on a Zen 3), which the loader's own 0.4 s on one core hides: the main
/// sample's first epoch went from 1.4 to 1.1 times the later ones. It is not started where training follows at once
/// (a model's constructor, <c>Fit</c>): fitting data already in memory, compiling every kernel beside the two
/// training threads made the first epoch 0.1-0.2 s slower, not faster. For the same reason the thread compiles the
/// convolution kernels, which come last, only until <c>Fit</c> begins (<see cref="TrainingBegins"/>): on a 2-core Xeon
/// it was still compiling them 0.15-0.3 s into the main sample's first epoch, beside the two training threads. An
/// application that does not want it sets the <c>Nabla.Precompile</c> switch to false:
/// <c>&lt;NablaPrecompile&gt;false&lt;/NablaPrecompile&gt;</c> in its project file, or <see cref="AppContext.SetSwitch"/>
/// before it first loads a dataset.
/// </para>
/// </remarks>
internal static class Precompilation
{
    /// <summary>The <see cref="AppContext"/> switch that turns the background compilation off when false.</summary>
    internal const string Switch = "Nabla.Precompile";

    private static int started;
    private static int trainingBegan;
    private static int failures;
    private static string? lastFailure;
    private static Thread? thread;

    /// <summary>How many methods the runtime refused to compile ahead (for tests: none is expected).</summary>
    internal static int Failures => Volatile.Read(ref failures);

    /// <summary>The last method refused, with the exception's type and message, or null.</summary>
    internal static string? LastFailure => Volatile.Read(ref lastFailure);

    /// <summary>The background thread, once <see cref="Start"/> has started it (for tests).</summary>
    internal static Thread? Thread => Volatile.Read(ref thread);

    /// <summary>Starts the background compilation the first time it is called in the process, unless switched off.</summary>
    internal static void Start()
    {
        Thread? worker = CreateOnce(ref started, Enabled, RunGuarded, "Nabla precompilation");
        if (worker is not null)
        {
            Volatile.Write(ref thread, worker);
            worker.Start();
        }
    }

    /// <summary>
    /// Tells the background thread that training has begun (<c>Fit</c> calls it): of the kernels it compiles only until
    /// then (the convolution kernels), it compiles none it has not reached, so that it does not take a core from the
    /// training threads; those are compiled on their first call.
    /// </summary>
    internal static void TrainingBegins() => Volatile.Write(ref trainingBegan, 1);

    /// <summary>Whether <see cref="TrainingBegins"/> has been called in this process (for tests).</summary>
    internal static bool HasTrainingBegun => Volatile.Read(ref trainingBegan) != 0;

    /// <summary>Whether the <see cref="Switch"/> allows the background compilation (it does unless set to false).</summary>
    internal static bool Enabled() => !AppContext.TryGetSwitch(Switch, out bool enabled) || enabled;

    /// <summary>
    /// The thread that runs <paramref name="run"/>, not yet started, for the first caller that finds
    /// <paramref name="flag"/> at 0, when <paramref name="enabled"/> says so; null for every other call.
    /// </summary>
    internal static Thread? CreateOnce(ref int flag, Func<bool> enabled, ThreadStart run, string name)
    {
        if (Volatile.Read(ref flag) != 0 || Interlocked.Exchange(ref flag, 1) != 0 || !enabled())
        {
            return null;
        }

        return new Thread(run) { IsBackground = true, Priority = ThreadPriority.BelowNormal, Name = name };
    }

    // Whatever escapes (reflection over the kernel classes) ends the thread's work, never the process.
    private static void RunGuarded()
    {
        try
        {
            Run();
        }
        catch (Exception ex)
        {
            Fail("the thread", ex);
        }
    }

    private static void Run()
    {
        // What every training step uses comes first, so that it is ready soonest: the products, activations, softmax,
        // optimizer steps, batch gathers and reductions, and TensorPrimitives, all of it even when training has begun
        // (the training thread would compile it otherwise). The convolutional layers' kernels last, and only until
        // training begins: a dense model never calls them.
        bool avx2 = Avx2.IsSupported && Fma.IsSupported;
        Prepare(typeof(Gemm));
        Prepare(typeof(Parallel.CallerSpeed));
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            Prepare(typeof(GemmMicroKernelAvx512));
        }

        if (avx2)
        {
            Prepare(typeof(GemmMicroKernelAvx2));
        }

        Prepare(typeof(GemmPacking));
        Prepare(typeof(GemmTranspose));
        Prepare(typeof(GemmEdgeTile));
        Prepare(typeof(ActivationDriver));
        Prepare(typeof(Softmax));
        Prepare(typeof(OptimizerSteps));
        Prepare(typeof(Finite));
        Prepare(typeof(RowGather));
        Prepare(typeof(RowOps));
        Prepare(typeof(Reduction));
        Prepare(typeof(BroadcastReduce));
        Prepare(typeof(Binary));
        Prepare(typeof(Unary));
        Prepare(typeof(Clip));
        try
        {
            int wrong = Rehearsal.Run();
            if (wrong != 0)
            {
                Fail("Rehearsal", new InvalidOperationException($"{wrong} results of the rehearsed kernels were wrong."));
            }
        }
        catch (Exception ex)
        {
            Fail("Rehearsal", ex);
        }

        UntilTraining(typeof(Convolution));
        UntilTraining(typeof(Im2Col));
        UntilTraining(typeof(Pooling));
        UntilTraining(typeof(BatchNorm));
        UntilTraining(typeof(Resize));
        if (avx2)
        {
            UntilTraining(typeof(WindowTileAvx2));
            UntilTraining(typeof(PooledTileAvx2));
        }

        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            UntilTraining(typeof(WindowTileAvx512));
        }

        static void UntilTraining([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type type) =>
            Prepare(type, yieldToTraining: true);
    }

    /// <summary>
    /// Compiles the methods of <paramref name="type"/> and of the types nested in it: the non-generic ones, and the
    /// generic ones of one type parameter for each of <see cref="TypeArguments"/> that meets its constraints.
    /// </summary>
    /// <param name="type">The kernel class.</param>
    /// <param name="yieldToTraining">
    /// True for a kernel class compiled only until training begins: once <see cref="TrainingBegins"/> has been called,
    /// none of its methods is compiled here.
    /// </param>
    /// <returns>How many methods were compiled (or found compiled already).</returns>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "DynamicallyAccessedMemberTypes.All keeps the nested types with all their members.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "DynamicallyAccessedMemberTypes.All keeps the nested types with all their members.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "The arguments are the library's own value types, kept by the typeof references below.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only where dynamic code is supported (checked); the arguments are value types the library instantiates these methods with itself.")]
    internal static int Prepare([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type type, bool yieldToTraining = false)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        int prepared = 0;
        if (!type.ContainsGenericParameters)
        {
            foreach (MethodInfo method in type.GetMethods(All))
            {
                if (method.IsAbstract)
                {
                    continue;
                }

                if (!method.IsGenericMethodDefinition)
                {
                    prepared += Compile(type, method, yieldToTraining);
                }
                else if (RuntimeFeature.IsDynamicCodeSupported && method.GetGenericArguments().Length == 1)
                {
                    foreach (Type argument in TypeArguments)
                    {
                        MethodInfo instance;
                        try
                        {
                            instance = method.MakeGenericMethod(argument);
                        }
                        catch (ArgumentException)
                        {
                            continue;  // the argument does not meet the parameter's constraints: not an instantiation
                        }

                        prepared += Compile(type, instance, yieldToTraining);
                    }
                }
            }
        }

        foreach (Type nested in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
        {
            prepared += Prepare(nested, yieldToTraining);
        }

        return prepared;
    }

    /// <summary>
    /// The type arguments of the generic kernels that every model uses: this machine's GEMM micro-kernel, and the
    /// activations of <c>Dense</c>'s default and of the tutorials' hidden layers (none, ReLU).
    /// </summary>
    private static Type[] TypeArguments => Gemm.ActivePath switch
    {
        GemmPath.Avx512 => [typeof(GemmMicroKernelAvx512), typeof(IdentityOp), typeof(ReluOp)],
        GemmPath.Avx2 => [typeof(GemmMicroKernelAvx2), typeof(IdentityOp), typeof(ReluOp)],
        _ => [typeof(GemmMicroKernelScalar), typeof(IdentityOp), typeof(ReluOp)],
    };

    private static int Compile(Type type, MethodInfo method, bool yieldToTraining)
    {
        if (Stopped(yieldToTraining))
        {
            return 0;
        }

        try
        {
            RuntimeHelpers.PrepareMethod(method.MethodHandle);
            return 1;
        }
        catch (Exception ex)
        {
            // Whatever the runtime refuses to compile ahead is compiled on its first call instead, as it would be without
            // this class; counted so that the tests see it.
            Fail($"{type.FullName}.{method.Name}", ex);
            return 0;
        }
    }

    // For a caller that yields to training (the background thread), once training has begun: nothing more is compiled.
    private static bool Stopped(bool yieldToTraining) => yieldToTraining && HasTrainingBegun;

    // Counts what went wrong on the thread (Failures) and keeps the last (LastFailure) for the tests' message.
    private static void Fail(string what, Exception ex)
    {
        Interlocked.Increment(ref failures);
        Volatile.Write(ref lastFailure, $"{what}: {ex.GetType().Name}: {ex.Message}");
    }
}
