namespace Nabla.Tests.Support;

/// <summary>
/// Straightforward double-precision references for the activation and softmax kernels, written for accuracy
/// rather than speed (series and continued fractions where the float kernels use fits).
/// </summary>
internal static class ReferenceMath
{
    public const double SeluAlpha = 1.67326324, SeluScale = 1.05070098;

    /// <summary>erfc by its Maclaurin series of erf for |x| &lt; 2.5 and a continued fraction beyond (both converge to double precision there).</summary>
    public static double Erfc(double x)
    {
        if (x < 0)
        {
            return 2.0 - Erfc(-x);
        }

        if (x < 2.5)
        {
            // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n!(2n+1))
            double term = x, sum = x;
            for (int n = 1; n < 80; n++)
            {
                term *= -x * x / n;
                sum += term / ((2 * n) + 1);
            }

            return 1.0 - (2.0 / Math.Sqrt(Math.PI) * sum);
        }

        // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
        double f = x;
        for (int k = 120; k >= 1; k--)
        {
            f = x + (k / 2.0 / f);
        }

        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * f);
    }

    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2.0));

    public static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI);

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>ln(1 + u) without cancellation for tiny u.</summary>
    public static double Log1p(double u)
    {
        double w = 1.0 + u;
        return w == 1.0 ? u : Math.Log(w) * u / (w - 1.0);
    }

    public static double Expm1(double x) => Math.Abs(x) < 1e-5 ? x + (x * x / 2) + (x * x * x / 6) : Math.Exp(x) - 1.0;

    public static double Softplus(double x) => Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)));

    public static double GeluTanh(double x) => 0.5 * x * (1.0 + Math.Tanh(Math.Sqrt(2.0 / Math.PI) * (x + (0.044715 * x * x * x))));

    public static double GeluTanhDerivative(double x)
    {
        double c = Math.Sqrt(2.0 / Math.PI), u = c * (x + (0.044715 * x * x * x)), t = Math.Tanh(u);
        return (0.5 * (1.0 + t)) + (0.5 * x * (1.0 - (t * t)) * c * (1.0 + (3.0 * 0.044715 * x * x)));
    }

    /// <summary>The activation <paramref name="name"/> (Keras name) at x, with Keras's default parameters.</summary>
    public static double Activation(string name, double x) => name switch
    {
        "linear" => x,
        "relu" => Math.Max(x, 0),
        "sigmoid" => Sigmoid(x),
        "tanh" => Math.Tanh(x),
        "elu" => x > 0 ? x : Expm1(x),
        "selu" => SeluScale * (x > 0 ? x : SeluAlpha * Expm1(x)),
        "gelu" => x * NormalCdf(x),
        "gelu_tanh" => GeluTanh(x),
        "leaky_relu" => x > 0 ? x : 0.2 * x,
        "softplus" => Softplus(x),
        "swish" => x * Sigmoid(x),
        _ => throw new ArgumentException(name),
    };

    /// <summary>The derivative of <see cref="Activation"/> at x.</summary>
    public static double Derivative(string name, double x) => name switch
    {
        "linear" => 1,
        "relu" => x > 0 ? 1 : 0,
        "sigmoid" => Sigmoid(x) * (1 - Sigmoid(x)),
        "tanh" => 1 - (Math.Tanh(x) * Math.Tanh(x)),
        "elu" => x > 0 ? 1 : Math.Exp(x),
        "selu" => SeluScale * (x > 0 ? 1 : SeluAlpha * Math.Exp(x)),
        "gelu" => NormalCdf(x) + (x * NormalPdf(x)),
        "gelu_tanh" => GeluTanhDerivative(x),
        "leaky_relu" => x > 0 ? 1 : 0.2,
        "softplus" => Sigmoid(x),
        "swish" => Sigmoid(x) * (1 + (x * (1 - Sigmoid(x)))),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Softmax of one row in double, max-shifted.</summary>
    public static double[] Softmax(ReadOnlySpan<float> row)
    {
        double m = double.NegativeInfinity;
        foreach (float v in row)
        {
            m = Math.Max(m, v);
        }

        var e = new double[row.Length];
        double s = 0;
        for (int i = 0; i < row.Length; i++)
        {
            e[i] = Math.Exp(row[i] - m);
            s += e[i];
        }

        for (int i = 0; i < row.Length; i++)
        {
            e[i] /= s;
        }

        return e;
    }

    /// <summary>Log-softmax of one row in double.</summary>
    public static double[] LogSoftmax(ReadOnlySpan<float> row)
    {
        double m = double.NegativeInfinity;
        foreach (float v in row)
        {
            m = Math.Max(m, v);
        }

        double s = 0;
        foreach (float v in row)
        {
            s += Math.Exp(v - m);
        }

        var y = new double[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            y[i] = row[i] - m - Math.Log(s);
        }

        return y;
    }
}
