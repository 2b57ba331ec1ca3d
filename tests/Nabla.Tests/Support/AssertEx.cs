namespace Nabla.Tests.Support;

/// <summary>Assertions shared by all tests.</summary>
internal static class AssertEx
{
    /// <summary>Asserts that <paramref name="act"/> throws exactly <typeparamref name="T"/> with a message containing every fragment.</summary>
    public static T Throws<T>(Action act, params string[] fragments)
        where T : Exception
    {
        T ex = Assert.Throws<T>(act);
        foreach (string f in fragments)
        {
            Assert.True(ex.Message.Contains(f, StringComparison.Ordinal), $"Expected the message to contain \"{f}\", but it was:\n{ex.Message}");
        }

        return ex;
    }

    /// <summary>|actual − expected| ≤ atol + rtol·|expected| for every element.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a))
            {
                continue;
            }

            if (!(Math.Abs(a - e) <= atol + (rtol * Math.Abs(e))) && !(double.IsInfinity(e) && e == a))
            {
                Assert.Fail($"Element {i}: expected {e:R} but got {a:R} (|diff| {Math.Abs(a - e):E3} > {atol + (rtol * Math.Abs(e)):E3}).");
            }
        }
    }

    /// <summary>Same shape and close elements.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Close(expected.ToArray(), actual.ToArray(), atol, rtol);
    }

    /// <summary>Same shape as given and close elements.</summary>
    public static void Close(float[] expected, int[] expectedShape, Tensor actual, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.Equal(expectedShape, actual.Shape);
        Close(expected, actual.ToArray(), atol, rtol);
    }
}
