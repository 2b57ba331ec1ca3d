using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public sealed class ResizeTests : IDisposable
{
    public ResizeTests() => KernelPaths.Reset();

    public static TheoryData<string, int> PathsAndThreads() => ConvolutionTests.PathsAndThreads();

    public void Dispose() => KernelPaths.Reset();

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Padding_and_cropping_match_the_naive_reference_and_are_adjoint(string path, int threads)
    {
        KernelPaths.Use(path, threads);
        int seed = 0;
        foreach ((int batch, int h, int w, int c) in new[] { (1, 1, 1, 1), (3, 7, 5, 3), (2, 28, 28, 17), (1, 4, 9, 33) })
        {
            foreach ((int top, int bottom, int left, int right) in new[] { (0, 0, 0, 0), (1, 1, 1, 1), (2, 0, 0, 3), (0, 1, 2, 0) })
            {
                int ph = h + top + bottom, pw = w + left + right;
                float[] x = ConvReference.Random(batch * h * w * c, ++seed);
                var padded = new float[(batch * ph * pw * c) + 1];
                padded[^1] = float.NaN;
                Resize.Pad2D(x, batch, h, w, c, top, bottom, left, right, padded);
                for (int n = 0; n < batch; n++)
                {
                    for (int i = 0; i < ph; i++)
                    {
                        for (int j = 0; j < pw; j++)
                        {
                            for (int k = 0; k < c; k++)
                            {
                                int si = i - top, sj = j - left;
                                float expected = si < 0 || si >= h || sj < 0 || sj >= w ? 0 : x[(((n * h) + si) * w + sj) * c + k];
                                Assert.Equal(expected, padded[(((n * ph) + i) * pw + j) * c + k]);
                            }
                        }
                    }
                }

                Assert.True(float.IsNaN(padded[^1]));

                // Cropping the padding off gives x back; ⟨pad(x), z⟩ = ⟨x, crop(z)⟩.
                var back = new float[x.Length];
                Resize.Crop2D(padded, batch, ph, pw, c, top, bottom, left, right, back);
                Assert.Equal(x, back);
                float[] z = ConvReference.Random(batch * ph * pw * c, ++seed);
                Resize.Crop2D(z, batch, ph, pw, c, top, bottom, left, right, back);
                Assert.Equal(ConvReference.Dot(padded.AsSpan(0, z.Length), z), ConvReference.Dot(x, back), 6);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Upsampling_repeats_pixels_and_its_backward_sums_blocks(string path, int threads)
    {
        KernelPaths.Use(path, threads);
        int seed = 0;
        foreach ((int batch, int h, int w, int c) in new[] { (1, 1, 1, 1), (3, 7, 5, 3), (2, 14, 14, 33) })
        {
            foreach ((int sh, int sw) in new[] { (1, 1), (2, 2), (3, 1), (1, 4) })
            {
                int oh = h * sh, ow = w * sw;
                float[] x = ConvReference.Random(batch * h * w * c, ++seed), dy = ConvReference.Random(batch * oh * ow * c, ++seed);
                var y = new float[dy.Length];
                Resize.UpSample2D(x, batch, h, w, c, sh, sw, y);
                var expected = new double[x.Length];
                for (int n = 0; n < batch; n++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            for (int k = 0; k < c; k++)
                            {
                                int source = (((n * h) + (i / sh)) * w + (j / sw)) * c + k;
                                Assert.Equal(x[source], y[(((n * oh) + i) * ow + j) * c + k]);
                                expected[source] += dy[(((n * oh) + i) * ow + j) * c + k];
                            }
                        }
                    }
                }

                float[] start = ConvReference.Random(x.Length, ++seed), dx = (float[])start.Clone();
                Resize.UpSample2DBackward(dy, batch, h, w, c, sh, sw, dx, accumulate: true);
                ConvReference.AssertClose([.. expected.Select((v, i) => v + start[i])], dx, 1e-6, 1e-6, $"upsampling backward {sh}×{sw}");
                Resize.UpSample2DBackward(dy, batch, h, w, c, sh, sw, dx);
                ConvReference.AssertClose(expected, dx, 1e-6, 1e-6, $"upsampling backward {sh}×{sw}");
            }
        }
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Resize.Crop2D(new float[12], 1, 2, 2, 3, 1, 1, 0, 0, new float[12]),
            "cropping 1+1 rows and 0+0 columns leaves nothing of a 2×2 image");
        Assert.Throws<ArgumentOutOfRangeException>(() => Resize.Pad2D(new float[12], 1, 2, 2, 3, -1, 0, 0, 0, new float[12]));
        Assert.Contains("'y' is too short", Assert.Throws<ArgumentException>(() => Resize.Pad2D(new float[12], 1, 2, 2, 3, 1, 0, 0, 0, new float[17])).Message, StringComparison.Ordinal);
        float[] shared = new float[60];
        Assert.Contains("'y' overlaps", Assert.Throws<ArgumentException>(() => Resize.UpSample2D(shared, 1, 2, 2, 3, 2, 2, shared.AsSpan(12))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Warm_calls_do_not_allocate(int threads)
    {
        SpatialThreads.MaxThreads = threads == 0 ? Environment.ProcessorCount : threads;
        float[] x = new float[32 * 14 * 14 * 32], padded = new float[32 * 16 * 16 * 32], up = new float[32 * 28 * 28 * 32];
        AllocationAssert.DoesNotAllocate(() =>
        {
            Resize.Pad2D(x, 32, 14, 14, 32, 1, 1, 1, 1, padded);
            Resize.Crop2D(padded, 32, 16, 16, 32, 1, 1, 1, 1, x);
            Resize.UpSample2D(x, 32, 14, 14, 32, 2, 2, up);
            Resize.UpSample2DBackward(up, 32, 14, 14, 32, 2, 2, x);
        });
    }
}
