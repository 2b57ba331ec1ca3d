namespace Nabla.Tests.Tensors;

/// <summary>API.md §0 compiled as written: the tensor contract every other section builds on.</summary>
public class ApiSection0Tests
{
    [Fact]
    public void Section_0_compiles_and_runs_as_written()
    {
        // ---- API.md §0, verbatim ----
        Tensor a = Tensor.Zeros([2, 3]), b = Tensor.Ones([2, 3]), c = Tensor.Full([2, 3], 7f);
        Tensor d = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);        // data, then shape
        Tensor r = Tensor.Arange(0f, 20f, 0.1f), l = Tensor.Linspace(0f, 1f, 11);
        Tensor u = Tensor.RandomUniform([2, 3], minval: 0f, maxval: 1f, seed: 1);
        Tensor n = Tensor.RandomNormal([2, 3], mean: 0f, stddev: 1f, seed: 1);
        int[] shape = d.Shape;                       // [2, 2]
        Tensor flat = u.Reshape(-1), t2 = d.Transpose(), row = d[0], firstRows = u[..1];
        Tensor e = (a + b) * 2f - c / 7f;            // NumPy broadcasting, scalars on either side
        Tensor m = Tensor.MatMul(d, d);              // also d.MatMul(d)
        Tensor s = u.Sin().Exp().Clip(0f, 2f);       // Cos Log Sqrt Abs Pow Maximum Minimum too
        float total = u.Sum().Item();                // reductions: Sum Mean Max Min, axis: and keepDims:
        Tensor colMeans = u.Mean(axis: 0);
        int best = r.ArgMax();                       // rank-1 -> int; ArgMax(axis: -1) -> Tensor
        float[] values = u.ToArray();
        // ---- end of §0 ----

        Assert.Equal([2, 2], shape);
        Assert.Equal(200, r.Size);
        Assert.Equal(11, l.Size);
        Assert.Equal([2, 3], n.Shape);
        Assert.Equal([6], flat.Shape);
        Assert.Equal([1f, 3f, 2f, 4f], t2.ToArray());
        Assert.Equal([1f, 2f], row.ToArray());
        Assert.Equal([1, 3], firstRows.Shape);
        Assert.All(e.ToArray(), v => Assert.Equal(1f, v));                 // (0 + 1)·2 − 7/7
        Assert.Equal([7f, 10f, 15f, 22f], m.ToArray());                    // [[1,2],[3,4]]²
        Assert.Equal(m.ToArray(), d.MatMul(d).ToArray());
        Assert.All(s.ToArray(), v => Assert.InRange(v, 1f, 2f));           // u ∈ [0, 1): e^sin(u) ∈ [1, e^0.85), clipped at 2
        Assert.Equal(values.Sum(), total, 5e-6);
        Assert.Equal([3], colMeans.Shape);
        Assert.Equal((values[0] + values[3]) / 2f, colMeans.ToArray()[0], 5e-7);
        Assert.Equal(199, best);                                          // Arange's last value, 19.9
        Assert.Equal(199f, r.ArgMax(axis: -1).Item());                     // the Tensor form: a 0-d index
    }
}
