using System.Globalization;
using System.Numerics;
using System.Text;

namespace Nabla.Callbacks;

// PythonFormat: the digits of a number as Python's float and int formatting produce them (exact rounding, repr, radix).
internal static partial class PythonFormat
{
    /// <summary>True when the digits shown (before any exponent) are all zeros.</summary>
    private static bool RoundsToZero(string intPart, string tail)
    {
        foreach (char ch in intPart + tail)
        {
            if (ch is 'e' or 'E')
            {
                break;
            }

            if (ch is >= '1' and <= '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Fixed notation with <paramref name="precision"/> decimals: the integer digits and the rest (".ddd").</summary>
    private static (string Int, string Tail) Fixed(double a, int precision, bool alternate)
    {
        string s = RoundScaled(a, precision).ToString(CultureInfo.InvariantCulture);
        if (precision == 0)
        {
            return (s, alternate ? "." : string.Empty);
        }

        s = s.PadLeft(precision + 1, '0');
        return (s[..^precision], "." + s[^precision..]);
    }

    /// <summary>Scientific notation with <paramref name="precision"/> decimals in the mantissa.</summary>
    private static (string Int, string Tail) Scientific(double a, int precision, bool alternate, bool upper)
    {
        (string digits, int exponent) = Significant(a, precision + 1);
        string fraction = precision > 0 ? "." + digits[1..] : alternate ? "." : string.Empty;
        return (digits[..1], fraction + Exponent(exponent, upper));
    }

    /// <summary>
    /// The 'g' rule: <paramref name="precision"/> significant digits, fixed notation when the exponent is in
    /// [-4, <paramref name="fixedBelow"/> ?? precision), trailing zeros removed unless <paramref name="alternate"/>.
    /// The format without a type adds ".0" to a fixed result without decimals and switches at precision - 1.
    /// </summary>
    private static (string Int, string Tail) General(double a, int precision, bool alternate, bool upper, bool addDotZero, int? fixedBelow)
    {
        (string digits, int exponent) = Significant(a, precision);
        if (exponent >= -4 && exponent < (fixedBelow ?? precision))
        {
            (string i, string t) = Fixed(a, precision - 1 - exponent, alternate);
            if (!alternate && t.Length > 0)
            {
                t = t.TrimEnd('0');
                t = t == "." ? string.Empty : t;
            }

            return (i, addDotZero && t.Length == 0 ? ".0" : t);
        }

        string fraction = digits[1..];
        if (!alternate)
        {
            fraction = fraction.TrimEnd('0');
        }

        return (digits[..1], (fraction.Length > 0 || alternate ? "." + fraction : string.Empty) + Exponent(exponent, upper));
    }

    /// <summary>Python's <c>repr</c> of a non-negative float: the shortest digits that read back, fixed for exponents in [-4, 16).</summary>
    private static (string Int, string Tail) Repr(double a)
    {
        // .NET's "R" gives the same shortest round-trip digits as Python's repr; only the layout differs.
        string r = a.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E', StringComparison.Ordinal);
        string mantissa = e < 0 ? r : r[..e];
        int exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string allDigits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        int pointAt = (dot < 0 ? mantissa.Length : dot) + exponent;   // digits before the decimal point
        string digits = allDigits.TrimStart('0');
        pointAt -= allDigits.Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return ("0", ".0");
        }

        int x = pointAt - 1;   // the exponent of the first digit
        if (x >= -4 && x < 16)
        {
            if (x < 0)
            {
                return ("0", "." + new string('0', -x - 1) + digits);
            }

            string whole = digits.Length > x + 1 ? digits[..(x + 1)] : digits.PadRight(x + 1, '0');
            string frac = digits.Length > x + 1 ? digits[(x + 1)..] : "0";
            return (whole, "." + frac);
        }

        return (digits[..1], (digits.Length > 1 ? "." + digits[1..] : string.Empty) + Exponent(x, false));
    }

    /// <summary>The first <paramref name="count"/> significant digits of <paramref name="a"/>, correctly rounded, and the exponent of the first.</summary>
    private static (string Digits, int Exponent) Significant(double a, int count)
    {
        if (a == 0)
        {
            return (new string('0', count), 0);
        }

        int exponent = (int)Math.Floor(Math.Log10(a));
        BigInteger low = BigInteger.Pow(10, count - 1), high = low * 10;
        while (true)
        {
            BigInteger q = RoundScaled(a, count - 1 - exponent);
            if (q >= high)
            {
                exponent++;
            }
            else if (q < low)
            {
                exponent--;
            }
            else
            {
                return (q.ToString(CultureInfo.InvariantCulture), exponent);
            }
        }
    }

    /// <summary><paramref name="a"/> · 10^<paramref name="k"/> rounded half to even, computed exactly from the binary value.</summary>
    private static BigInteger RoundScaled(double a, int k)
    {
        long bits = BitConverter.DoubleToInt64Bits(a);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        BigInteger mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int exp2 = (biased == 0 ? 1 : biased) - 1075;
        BigInteger num = mantissa, den = BigInteger.One;
        if (exp2 >= 0)
        {
            num <<= exp2;
        }
        else
        {
            den <<= -exp2;
        }

        if (k >= 0)
        {
            num *= BigInteger.Pow(10, k);
        }
        else
        {
            den *= BigInteger.Pow(10, -k);
        }

        BigInteger q = BigInteger.DivRem(num, den, out BigInteger r);
        int half = (r * 2).CompareTo(den);
        return half > 0 || (half == 0 && !q.IsEven) ? q + 1 : q;
    }

    private static string Exponent(int exponent, bool upper) =>
        (upper ? "E" : "e") + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);

    private static string ToRadix(BigInteger n, int radix, bool upper)
    {
        if (radix == 10)
        {
            return n.ToString(CultureInfo.InvariantCulture);
        }

        if (n.IsZero)
        {
            return "0";
        }

        var sb = new StringBuilder();
        string alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        while (!n.IsZero)
        {
            sb.Insert(0, alphabet[(int)(n % radix)]);
            n /= radix;
        }

        return sb.ToString();
    }
}
