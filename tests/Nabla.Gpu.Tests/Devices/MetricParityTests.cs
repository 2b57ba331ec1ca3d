using Nabla.Gpu.Tests.Support;
using Nabla.Metrics;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// Every built-in metric updated with device tensors against the same metric on the CPU engine: per-sample values and
/// weighted sums computed on the device, four floats read back. The accuracy family and RootMeanSquaredError equal the
/// host's result exactly (same values, the same double sums in the same order); MeanSquaredError and MeanAbsoluteError
/// compute their values with the loss's device ops, so they agree to float rounding (1e-6 relative).
/// </summary>
[Collection(DeviceCollection.Name)]
public class MetricParityTests
{
    // Small value sets make ties (arg-max, top-k, equality) common; NaN and ±0 are placed on purpose below.
    private static readonly float[] Scores = [0f, 0.25f, 0.5f, 0.5f, 1f, -1f];
    private static readonly float[] Binary = [0f, 0.3f, 0.5f, 0.7f, 1f];

    private static readonly Dictionary<string, Func<Metric>> Metrics = new()
    {
        ["accuracy (exact)"] = () => new Accuracy(),
        ["binary_accuracy"] = () => new BinaryAccuracy(),
        ["binary_accuracy 0.3"] = () => new BinaryAccuracy(threshold: 0.3f),
        ["categorical_accuracy"] = () => new CategoricalAccuracy(),
        ["sparse_categorical_accuracy"] = () => new SparseCategoricalAccuracy(),
        ["top_k k=1"] = () => new TopKCategoricalAccuracy(k: 1),
        ["top_k k=2"] = () => new TopKCategoricalAccuracy(k: 2),
        ["sparse_top_k k=2"] = () => new SparseTopKCategoricalAccuracy(k: 2),
        ["sparse_top_k k=3"] = () => new SparseTopKCategoricalAccuracy(k: 3),
        ["auto accuracy"] = () => new AutoAccuracy(),
        ["mse"] = () => new MeanSquaredError(),
        ["mae"] = () => new MeanAbsoluteError(),
        ["rmse"] = () => new RootMeanSquaredError(),
    };

    /// <summary>Metric × batch size × classes × weighting.</summary>
    public static TheoryData<string, int, int, string> Cases()
    {
        var data = new TheoryData<string, int, int, string>();
        foreach (string metric in Metrics.Keys)
        {
            foreach ((int batch, int classes) in new[] { (1, 5), (7, 3), (33, 5), (16, 1) })
            {
                foreach (string weights in new[] { "none", "per sample", "scalar" })
                {
                    data.Add(metric, batch, classes, weights);
                }
            }

            data.Add(metric, 9, 5, "column");            // [batch, 1]: squeezed or expanded to the values' rank
            if (metric is "rmse")
            {
                data.Add(metric, 9, 5, "per element");   // weights of the values' full shape: averaged over positions
                data.Add(metric, 9, 5, "broadcast");     // [1, classes]: broadcast over the samples
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_metric_on_device_tensors_equals_the_cpu(string name, int batch, int classes, string weighting)
    {
        Metric probe = Metrics[name]();
        bool sparse = probe is SparseCategoricalAccuracy or SparseTopKCategoricalAccuracy || (probe is AutoAccuracy && classes > 1);
        if (sparse && classes == 1)
        {
            return;   // integer labels need a class axis of more than one class to mean anything; covered by 'auto' as binary
        }

        Device device = DeviceCollection.Accelerator;
        Metric cpu = Metrics[name](), gpu = Metrics[name]();
        for (int step = 0; step < 2; step++)
        {
            (Tensor yTrue, Tensor yPred) = Batch(probe, batch, classes, sparse, seed: (batch * 31) + classes + step);
            Tensor? w = Weights(weighting, batch, classes, seed: step);
            cpu.UpdateState(yTrue, yPred, w);
            gpu.UpdateState(yTrue.To(device), yPred.To(device), w?.To(device));
        }

        double expected = cpu.Result(), actual = gpu.Result();
        if (probe is MeanSquaredError or MeanAbsoluteError)
        {
            Assert.Equal(expected, actual, Math.Abs(expected) * 1e-6);
        }
        else
        {
            Assert.Equal(expected, actual);
        }

        Span<double> a = stackalloc double[2], b = stackalloc double[2];
        cpu.ExportState(a);
        gpu.ExportState(b);
        Assert.Equal(a[1], b[1]);   // the counts (sums of weights) are the host's exactly
    }

    [Fact]
    public void Arg_max_ties_nan_and_signed_zeros_follow_the_cpu_rules()
    {
        // Row 0: tie between classes 1 and 3 (first wins: 1). Row 1: NaN at 2 wins. Row 2: −0 then +0 (−0 first, it wins).
        // Row 3: all equal (class 0). Row 4: the label's score is tied with the k-th largest (in the top 2).
        float[] p = [0f, 1f, 0.5f, 1f, 0f, 0.2f, 0.9f, float.NaN, 0.1f, 0.95f, -0f, 0f, -1f, -1f, -1f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.9f, 0.5f, 0.5f, 0.1f, 0.5f];
        float[] sparse = [1f, 2f, 0f, 0f, 4f];
        float[] oneHot = new float[25];
        oneHot[3] = 1f;   // row 0's label is 3, tied but second: a miss for arg-max, a hit for top-1
        oneHot[5 + 2] = 1f;
        oneHot[10 + 1] = 1f;
        oneHot[15 + 0] = 1f;
        oneHot[20 + 4] = 1f;
        Tensor pred = Tensor.FromArray(p, 5, 5), labels = Tensor.FromArray(sparse, 5), hot = Tensor.FromArray(oneHot, 5, 5);
        foreach (Func<Metric> make in new Func<Metric>[]
        {
            () => new SparseCategoricalAccuracy(), () => new CategoricalAccuracy(), () => new TopKCategoricalAccuracy(k: 1),
            () => new TopKCategoricalAccuracy(k: 2), () => new SparseTopKCategoricalAccuracy(k: 1), () => new SparseTopKCategoricalAccuracy(k: 2),
        })
        {
            Metric cpu = make(), gpu = make();
            bool isSparse = cpu is SparseCategoricalAccuracy or SparseTopKCategoricalAccuracy;
            Tensor t = isSparse ? labels : hot;
            cpu.UpdateState(t, pred);
            gpu.UpdateState(t.To(DeviceCollection.Accelerator), pred.To(DeviceCollection.Accelerator));
            Assert.Equal(cpu.Result(), gpu.Result());
        }

        // Pinned answers, so that both engines cannot drift together. Arg-max hits rows 0 (first of the tie), 1 (NaN),
        // 2 (−0 at 0 stays ahead of +0) and 3; top-1 misses row 1 (a NaN score is never in) and row 4; top-2 takes row 4's tie.
        Assert.Equal(0.8, Result(new SparseCategoricalAccuracy(), labels, pred));
        Assert.Equal(0.6, Result(new SparseTopKCategoricalAccuracy(k: 1), labels, pred));
        Assert.Equal(0.8, Result(new SparseTopKCategoricalAccuracy(k: 2), labels, pred));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mean_and_sum_of_device_values_equal_the_cpu(bool weighted)
    {
        Tensor values = Tensor.RandomUniform([6, 4], -3f, 3f, seed: 4);
        Tensor? w = weighted ? Tensor.RandomUniform([6], 0f, 2f, seed: 5) : null;
        Device device = DeviceCollection.Accelerator;
        var (mc, mg, sc, sg) = (new Mean(), new Mean(), new Sum(), new Sum());
        mc.UpdateState(values, w);
        mg.UpdateState(values.To(device), w?.To(device));
        sc.UpdateState(values, w);
        sg.UpdateState(values.To(device), w);   // host weights with device values: uploaded
        Assert.Equal(mc.Result(), mg.Result());
        Assert.Equal(sc.Result(), sg.Result());
    }

    [Fact]
    public void Bad_weights_on_the_device_fail_as_on_the_cpu()
    {
        Device device = DeviceCollection.Accelerator;
        Tensor t = Tensor.FromArray(new float[] { 0, 1, 2 }), p = Tensor.RandomUniform([3, 3], 0f, 1f, seed: 1);
        var cpu = Assert.Throws<ShapeMismatchException>(() => new SparseCategoricalAccuracy().UpdateState(t, p, Tensor.Ones([4])));
        var gpu = Assert.Throws<ShapeMismatchException>(() => new SparseCategoricalAccuracy().UpdateState(t.To(device), p.To(device), Tensor.Ones([4]).To(device)));
        Assert.Equal(cpu.Message, gpu.Message);
        Assert.Throws<ShapeMismatchException>(() => new CategoricalAccuracy().UpdateState(t.To(device), p.To(device)));
    }

    private static double Result(Metric m, Tensor yTrue, Tensor yPred)
    {
        m.UpdateState(yTrue.To(DeviceCollection.Accelerator), yPred.To(DeviceCollection.Accelerator));
        return m.Result();
    }

    private static (Tensor YTrue, Tensor YPred) Batch(Metric metric, int batch, int classes, bool sparse, int seed)
    {
        var rng = new System.Random(seed);
        float Pick(float[] set) => set[rng.Next(set.Length)];
        bool binary = metric is BinaryAccuracy || (metric is AutoAccuracy && classes == 1);
        float[] p = new float[batch * classes];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = metric is Accuracy ? rng.Next(3) : binary ? Pick(Binary) : Pick(Scores);
        }

        bool regression = metric is MeanSquaredError or MeanAbsoluteError or RootMeanSquaredError;
        if (p.Length > 3 && !binary && !regression && metric is not Accuracy)
        {
            p[^2] = float.NaN;   // a NaN score: the arg-max's first NaN, never in the top k
            p[0] = -0f;
        }

        if (sparse)
        {
            float[] ids = new float[batch];
            for (int r = 0; r < batch; r++)
            {
                ids[r] = rng.Next(classes + 1) == classes ? (r % 2 == 0 ? classes : -0.5f) : rng.Next(classes);   // some not class ids
            }

            return (Tensor.FromArray(ids, batch), Tensor.FromArray(p, batch, classes));
        }

        float[] t = new float[batch * classes];
        for (int i = 0; i < t.Length; i++)
        {
            t[i] = metric is Accuracy ? rng.Next(3) : binary ? rng.Next(2) : regression ? Pick(Scores) * 0.7f : rng.Next(2);
        }

        return (Tensor.FromArray(t, batch, classes), Tensor.FromArray(p, batch, classes));
    }

    private static Tensor? Weights(string weighting, int batch, int classes, int seed) => weighting switch
    {
        "none" => null,
        "per sample" => Tensor.RandomUniform([batch], 0f, 2f, seed: seed),
        "scalar" => Tensor.Scalar(0.75f),
        "column" => Tensor.RandomUniform([batch, 1], 0f, 2f, seed: seed),
        "per element" => Tensor.RandomUniform([batch, classes], 0f, 2f, seed: seed),
        "broadcast" => Tensor.RandomUniform([1, classes], 0f, 2f, seed: seed),
        _ => throw new ArgumentException(weighting),
    };
}
