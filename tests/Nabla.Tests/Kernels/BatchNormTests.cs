using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public sealed class BatchNormTests : IDisposable
{
    private const float Epsilon = 1e-3f;

    public BatchNormTests() => KernelPaths.Reset();

    public static TheoryData<string, int> PathsAndThreads() => ConvolutionTests.PathsAndThreads();

    public void Dispose() => KernelPaths.Reset();

    // Rows across the 64-row blocks and the 1024-row slots; channels across the vector widths; data offset far from
    // zero, where a one-pass Σx² − (Σx)² formula would lose the variance.
    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Training_forward_and_backward_match_the_naive_reference(string path, int threads)
    {
        KernelPaths.Use(path, threads);
        int seed = 0;
        foreach ((int rows, int channels, float offset) in new[] { (1, 1, 0f), (7, 3, 0f), (65, 17, 100f), (3000, 33, 1000f), (25088, 8, -3f), (129, 64, 0.5f) })
        {
            foreach (bool affine in new[] { true, false })
            {
                string what = $"{rows}×{channels} offset {offset} {(affine ? "γ, β" : "no γ, β")} ({path}, {threads} threads)";
                float[] x = [.. ConvReference.Random(rows * channels, ++seed).Select(v => v + offset)];
                float[] dy = ConvReference.Random(rows * channels, ++seed);
                float[] gamma = affine ? ConvReference.Random(channels, ++seed) : [], beta = affine ? ConvReference.Random(channels, ++seed) : [];
                var (mean, variance, y) = NaiveForward(x, rows, channels, gamma, beta);

                float[] got = new float[rows * channels], m = new float[channels], v = new float[channels], s = new float[channels];
                BatchNorm.TrainingForward(x, rows, channels, gamma, beta, Epsilon, got, m, v, s);
                ConvReference.AssertClose(mean, m, 1e-6, 1e-6, "mean " + what);
                ConvReference.AssertClose(variance, v, 1e-7, 2e-4, "variance " + what);
                ConvReference.AssertClose([.. variance.Select(q => 1 / Math.Sqrt(q + Epsilon))], s, 0, 1e-4, "inverse std " + what);
                ConvReference.AssertClose(y, got, 2e-4, 2e-4, "y " + what);

                var (dx, dgamma, dbeta) = NaiveBackward(dy, x, rows, channels, mean, variance, gamma);
                float[] gotDx = new float[rows * channels], gotDgamma = new float[channels], gotDbeta = new float[channels];
                BatchNorm.Backward(dy, x, rows, channels, m, s, gamma, gotDx, gotDgamma, gotDbeta);
                ConvReference.AssertClose(dbeta, gotDbeta, 1e-5 * rows, 1e-4, "dβ " + what);
                ConvReference.AssertClose(dgamma, gotDgamma, 1e-5 * rows, 1e-3, "dγ " + what);
                ConvReference.AssertClose(dx, gotDx, 2e-3, 2e-3, "dx " + what);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Inference_forward_uses_the_moving_statistics(string path, int threads)
    {
        KernelPaths.Use(path, threads);
        foreach ((int rows, int channels) in new[] { (0, 3), (1, 1), (50, 17), (4000, 32) })
        {
            float[] x = ConvReference.Random(rows * channels, rows), gamma = ConvReference.Random(channels, 1), beta = ConvReference.Random(channels, 2);
            float[] mean = ConvReference.Random(channels, 3), variance = [.. ConvReference.Random(channels, 4).Select(q => q + 1.5f)];
            var expected = new double[rows * channels];
            for (int i = 0; i < expected.Length; i++)
            {
                int c = i % channels;
                expected[i] = (gamma[c] * (x[i] - (double)mean[c]) / Math.Sqrt(variance[c] + (double)Epsilon)) + beta[c];
            }

            var y = new float[rows * channels];
            BatchNorm.InferenceForward(x, rows, channels, gamma, beta, mean, variance, Epsilon, y);
            ConvReference.AssertClose(expected, y, 1e-5, 1e-5, $"inference {rows}×{channels}");

            // In place, and without γ and β.
            for (int i = 0; i < expected.Length; i++)
                expected[i] = (x[i] - (double)mean[i % channels]) / Math.Sqrt(variance[i % channels] + (double)Epsilon);
            BatchNorm.InferenceForward(x, rows, channels, default, default, mean, variance, Epsilon, x);
            ConvReference.AssertClose(expected, x, 1e-5, 1e-5, $"inference in place {rows}×{channels}");
        }
    }

    // Central differences of Σ BN(x)·R in x and γ, β: the training-mode normalisation is non-linear in x.
    [Fact]
    public void Backward_matches_finite_differences()
    {
        const int rows = 6, channels = 3;
        float[] x = ConvReference.Random(rows * channels, 1), r = ConvReference.Random(rows * channels, 2);
        float[] gamma = ConvReference.Random(channels, 3), beta = ConvReference.Random(channels, 4);
        float[] y = new float[rows * channels], mean = new float[channels], variance = new float[channels], inv = new float[channels];
        double Loss()
        {
            BatchNorm.TrainingForward(x, rows, channels, gamma, beta, Epsilon, y, mean, variance, inv);
            return ConvReference.Dot(y, r);
        }

        Loss();
        float[] dx = new float[rows * channels], dgamma = new float[channels], dbeta = new float[channels];
        BatchNorm.Backward(r, x, rows, channels, mean, inv, gamma, dx, dgamma, dbeta);
        ConvolutionTests.CheckFiniteDifferences(x, dx, Loss, "dx");
        ConvolutionTests.CheckFiniteDifferences(gamma, dgamma, Loss, "dγ");
        ConvolutionTests.CheckFiniteDifferences(beta, dbeta, Loss, "dβ");
    }

    // y may be x itself, and dx may be dy itself.
    [Fact]
    public void Outputs_may_alias_their_inputs_exactly()
    {
        const int rows = 40, channels = 5;
        float[] x = ConvReference.Random(rows * channels, 1), dy = ConvReference.Random(rows * channels, 2);
        float[] y = new float[rows * channels], m = new float[channels], v = new float[channels], s = new float[channels];
        BatchNorm.TrainingForward(x, rows, channels, default, default, Epsilon, y, m, v, s);
        float[] inPlace = (float[])x.Clone();
        BatchNorm.TrainingForward(inPlace, rows, channels, default, default, Epsilon, inPlace, m, v, s);
        Assert.Equal(y, inPlace);

        var dx = new float[rows * channels];
        BatchNorm.Backward(dy, x, rows, channels, m, s, default, dx, default, default);
        BatchNorm.Backward(dy, x, rows, channels, m, s, default, dy, default, default);
        Assert.Equal(dx, dy);
    }

    // Statistics are summed in slots fixed by the shapes, so one thread and all threads give the same bits.
    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        const int rows = 5000, channels = 19;
        float[] x = ConvReference.Random(rows * channels, 1), dy = ConvReference.Random(rows * channels, 2), gamma = ConvReference.Random(channels, 3);
        float[][] Run(int threads)
        {
            KernelPaths.Use("Auto", threads);
            float[] y = new float[rows * channels], m = new float[channels], v = new float[channels], s = new float[channels];
            float[] dx = new float[rows * channels], dg = new float[channels], db = new float[channels];
            BatchNorm.TrainingForward(x, rows, channels, gamma, gamma, Epsilon, y, m, v, s);
            BatchNorm.Backward(dy, x, rows, channels, m, s, gamma, dx, dg, db);
            return [y, m, v, s, dx, dg, db];
        }

        float[][] serial = Run(1), parallel = Run(Environment.ProcessorCount);
        for (int i = 0; i < serial.Length; i++)
            Assert.True(serial[i].AsSpan().SequenceEqual(parallel[i]), $"output {i} differs");
    }

    [Fact]
    public void Moving_statistics_follow_keras()
    {
        float[] moving = [0f, 1f, 2f];
        BatchNorm.UpdateMoving(moving, [1f, 1f, -2f], 0.99);   // Keras rounds 0.99 and 1 − 0.99 to float
        Assert.Equal([0.01f, 1f, (2f * 0.99f) + (-2f * 0.01f)], moving);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => BatchNorm.UpdateMoving(moving, [1f, 1f, 1f], 1.5), "momentum must be in [0, 1], but received 1.5");
        Assert.Throws<ArgumentException>(() => BatchNorm.UpdateMoving(moving, [1f], 0.9));
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        float[] x = new float[12], y = new float[12], s1 = new float[3], s2 = new float[3], s3 = new float[3];
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNorm.TrainingForward(x, 0, 3, default, default, Epsilon, y, s1, s2, s3));
        AssertEx.Throws<ArgumentOutOfRangeException>(() => BatchNorm.TrainingForward(x, 4, 3, default, default, -1f, y, s1, s2, s3), "epsilon must be a finite number ≥ 0");
        Assert.Contains("'gamma' is too short", Assert.Throws<ArgumentException>(() => BatchNorm.TrainingForward(x, 4, 3, new float[2], default, Epsilon, y, s1, s2, s3)).Message, StringComparison.Ordinal);
        float[] shared = new float[13];
        AssertEx.Throws<ArgumentException>(() => BatchNorm.TrainingForward(shared, 4, 3, default, default, Epsilon, shared.AsSpan(1), s1, s2, s3), "overlaps it at offset 1");
        AssertEx.Throws<ArgumentException>(() => BatchNorm.TrainingForward(x, 4, 3, default, default, Epsilon, y, s1, s1, s3), "must not overlap");
        AssertEx.Throws<ArgumentException>(() => BatchNorm.TrainingForward(x, 4, 3, default, default, Epsilon, y, x.AsSpan(0, 3), s2, s3), "'mean' must not overlap the input or output tensors");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Warm_calls_do_not_allocate(int threads)
    {
        SpatialThreads.MaxThreads = threads == 0 ? Environment.ProcessorCount : threads;
        const int rows = 32 * 14 * 14, channels = 64;
        float[] x = ConvReference.Random(rows * channels, 1), y = new float[rows * channels], g = new float[channels], b = new float[channels];
        float[] m = new float[channels], v = new float[channels], s = new float[channels], dg = new float[channels], db = new float[channels];
        AllocationAssert.DoesNotAllocate(() =>
        {
            BatchNorm.TrainingForward(x, rows, channels, g, b, Epsilon, y, m, v, s);
            BatchNorm.Backward(x, x, rows, channels, m, s, g, y, dg, db);
            BatchNorm.InferenceForward(x, rows, channels, g, b, m, v, Epsilon, y);
            BatchNorm.UpdateMoving(m, v, 0.99);
        });
    }

    private static (double[] Mean, double[] Variance, double[] Y) NaiveForward(float[] x, int rows, int channels, float[] gamma, float[] beta)
    {
        var mean = new double[channels];
        var variance = new double[channels];
        for (int i = 0; i < x.Length; i++)
            mean[i % channels] += x[i] / (double)rows;
        for (int i = 0; i < x.Length; i++)
            variance[i % channels] += Math.Pow(x[i] - mean[i % channels], 2) / rows;
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % channels;
            double hat = (x[i] - mean[c]) / Math.Sqrt(variance[c] + Epsilon);
            y[i] = gamma.Length == 0 ? hat : (gamma[c] * hat) + beta[c];
        }

        return (mean, variance, y);
    }

    // dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ̂ · (dy − mean(dy) − x̂·mean(dy·x̂)).
    private static (double[] Dx, double[] Dgamma, double[] Dbeta) NaiveBackward(float[] dy, float[] x, int rows, int channels, double[] mean, double[] variance, float[] gamma)
    {
        var dbeta = new double[channels];
        var dgamma = new double[channels];
        var hat = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % channels;
            hat[i] = (x[i] - mean[c]) / Math.Sqrt(variance[c] + Epsilon);
            dbeta[c] += dy[i];
            dgamma[c] += dy[i] * hat[i];
        }

        var dx = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % channels;
            double g = gamma.Length == 0 ? 1 : gamma[c];
            dx[i] = g / Math.Sqrt(variance[c] + Epsilon) * (dy[i] - (dbeta[c] / rows) - (hat[i] * dgamma[c] / rows));
        }

        return (dx, dgamma, dbeta);
    }
}
