using System.Globalization;
using System.Numerics;
using System.Text;

namespace Nabla.Callbacks;

/// <summary>
/// Python's <c>str.format</c> with keyword arguments, so that file names written for Keras (<c>"ckpt-{epoch:02d}-{val_loss:.4f}.keras"</c>)
/// name the same files here: replacement fields <c>{name}</c>, <c>{name:spec}</c>, <c>{name!r}</c>, escapes <c>{{</c> and
/// <c>}}</c>, and the format-spec mini-language for integers and floats (fill, align, sign, <c>z</c>, <c>#</c>, <c>0</c>,
/// width, <c>,</c> and <c>_</c> grouping, precision, and the types <c>b c d o x X n e E f F g G %</c>).
/// </summary>
/// <remarks>
/// Floats are rounded as Python rounds them: correctly, half to even, from the exact binary value (<c>0.125</c> to two
/// places is <c>0.12</c>, <c>0.375</c> is <c>0.38</c>), and a float without a format prints as Python's <c>repr</c>
/// (<c>2.0</c>, <c>1e-05</c>). Values are <see cref="long"/> (Python ints) or <see cref="double"/> (Python floats).
/// </remarks>
internal static class PythonFormat
{
    /// <summary>Formats <paramref name="template"/> as <c>template.format(**values)</c>.</summary>
    /// <exception cref="KeyNotFoundException">A field names a key that <paramref name="values"/> lacks; the message is the key, quoted as Python's KeyError prints it.</exception>
    /// <exception cref="FormatException">The template or a format spec is malformed; the message is Python's.</exception>
    public static string Format(string template, IReadOnlyDictionary<string, object> values)
    {
        var sb = new StringBuilder(template.Length + 16);
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    sb.Append('}');
                    i += 2;
                    continue;
                }

                throw new FormatException("Single '}' encountered in format string");
            }

            if (c != '{')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                sb.Append('{');
                i += 2;
                continue;
            }

            if (i + 1 == template.Length)
            {
                throw new FormatException("Single '{' encountered in format string");
            }

            // The field ends at the '}' that balances its '{' (a spec may nest fields: "{loss:.{digits}f}").
            int depth = 1, j = i + 1;
            for (; j < template.Length; j++)
            {
                depth += template[j] == '{' ? 1 : template[j] == '}' ? -1 : 0;
                if (depth == 0)
                {
                    break;
                }
            }

            if (j == template.Length)
            {
                throw new FormatException("expected '}' before end of string");
            }

            sb.Append(Field(template[(i + 1)..j], values));
            i = j + 1;
        }

        return sb.ToString();
    }

    private static string Field(string field, IReadOnlyDictionary<string, object> values)
    {
        int end = field.IndexOfAny([':', '!']);
        string name = end < 0 ? field : field[..end];
        string rest = end < 0 ? string.Empty : field[end..];
        if (name.Length == 0 || name.All(char.IsAsciiDigit))
        {
            int index = name.Length == 0 ? 0 : int.Parse(name, CultureInfo.InvariantCulture);
            throw new FormatException($"Replacement index {index} out of range for positional args tuple");
        }

        if (name.IndexOfAny(['.', '[']) >= 0)
        {
            throw new FormatException($"'{{{name}}}': attribute and item access in a replacement field are not supported; name a value directly.");
        }

        if (!values.TryGetValue(name, out object? value))
        {
            throw new KeyNotFoundException($"'{name}'");
        }

        if (rest.StartsWith('!'))
        {
            if (rest.Length < 2 || rest[1] is not ('r' or 's' or 'a'))
            {
                throw new FormatException(rest.Length < 2 ? "end of string while looking for conversion specifier" : $"Unknown conversion specifier {rest[1]}");
            }

            if (rest.Length > 2 && rest[2] != ':')
            {
                throw new FormatException("expected ':' after conversion specifier");
            }

            value = Str(value);
            rest = rest[2..];
        }

        string spec = rest.Length == 0 ? string.Empty : rest[1..];
        if (spec.Contains('{', StringComparison.Ordinal))
        {
            spec = Format(spec, values);
        }

        return value switch
        {
            long n => FormatInt(n, Spec.Parse(spec, "int")),
            int n => FormatInt(n, Spec.Parse(spec, "int")),
            double d => FormatFloat(d, Spec.Parse(spec, "float")),
            string s => FormatString(s, Spec.Parse(spec, "str")),
            _ => throw new ArgumentException($"PythonFormat formats ints, floats and strings, but '{name}' is a {value.GetType().Name}."),
        };
    }

    /// <summary>Python's <c>str(value)</c>: the decimal integer, or the float's <c>repr</c>.</summary>
    public static string Str(object value) => value switch
    {
        long n => n.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d, Spec.Parse(string.Empty, "float")),
        string s => s,
        _ => value.ToString() ?? string.Empty,
    };

    private static string FormatString(string s, Spec spec)
    {
        if (spec.Type is not (null or 's'))
        {
            throw new FormatException($"Unknown format code '{spec.Type}' for object of type 'str'");
        }

        if (spec.Sign is not null)
        {
            throw new FormatException("Sign not allowed in string format specifier");
        }

        if (spec.Align == '=')
        {
            throw new FormatException("'=' alignment not allowed in string format specifier");
        }

        if (spec.Precision is int p && p < s.Length)
        {
            s = s[..p];
        }

        return Pad(string.Empty, s, spec, defaultAlign: '<');
    }

    private static string FormatInt(long n, Spec spec)
    {
        if (spec.Type is 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or '%')
        {
            return FormatFloat(n, spec);
        }

        char type = spec.Type ?? 'd';
        if (type is not ('b' or 'c' or 'd' or 'o' or 'x' or 'X' or 'n'))
        {
            throw new FormatException($"Unknown format code '{type}' for object of type 'int'");
        }

        if (spec.Precision is not null)
        {
            throw new FormatException("Precision not allowed in integer format specifier");
        }

        if (spec.NegativeZero)
        {
            throw new FormatException("Negative zero coercion (z) not allowed in integer format specifier");
        }

        if (spec.Grouping == ',' && type is not ('d' or 'n'))
        {
            throw new FormatException($"Cannot specify ',' with '{type}'.");
        }

        if (type == 'c')
        {
            if (spec.Sign is not null)
            {
                throw new FormatException("Sign not allowed with integer format specifier 'c'");
            }

            return Pad(string.Empty, char.ConvertFromUtf32(checked((int)n)), spec, defaultAlign: '>');
        }

        BigInteger magnitude = BigInteger.Abs(n);
        (int radix, string prefix) = type switch
        {
            'b' => (2, "0b"),
            'o' => (8, "0o"),
            'x' => (16, "0x"),
            'X' => (16, "0X"),
            _ => (10, string.Empty),
        };
        string digits = ToRadix(magnitude, radix, upper: type == 'X');
        string head = SignOf(n < 0, spec) + (spec.Alternate ? prefix : string.Empty);
        return PadNumber(head, digits, string.Empty, spec, radix == 10 ? 3 : 4);
    }

    private static string FormatFloat(double v, Spec spec)
    {
        char? type = spec.Type;
        if (type is not (null or 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or 'n' or '%'))
        {
            throw new FormatException($"Unknown format code '{type}' for object of type 'float'");
        }

        bool upper = type is 'E' or 'F' or 'G';
        bool negative = double.IsNegative(v) && !double.IsNaN(v);
        double a = Math.Abs(v);
        if (!double.IsFinite(v))
        {
            string word = double.IsNaN(v) ? "nan" : "inf";
            return PadNumber(SignOf(negative, spec), upper ? word.ToUpperInvariant() : word, type == '%' ? "%" : string.Empty, spec, 0);
        }

        string intPart, tail;
        switch (type)
        {
            case 'f' or 'F':
                (intPart, tail) = Fixed(a, spec.Precision ?? 6, spec.Alternate);
                break;
            case '%':
                (intPart, tail) = Fixed(a * 100, spec.Precision ?? 6, spec.Alternate);
                tail += "%";
                break;
            case 'e' or 'E':
                (intPart, tail) = Scientific(a, spec.Precision ?? 6, spec.Alternate, upper);
                break;
            case 'g' or 'G' or 'n':
                (intPart, tail) = General(a, Math.Max(spec.Precision ?? 6, 1), spec.Alternate, upper, addDotZero: false, fixedBelow: null);
                break;
            default:
                (intPart, tail) = spec.Precision is int p
                    ? General(a, Math.Max(p, 1), spec.Alternate, upper, addDotZero: true, fixedBelow: Math.Max(p, 1) - 1)
                    : Repr(a);
                break;
        }

        // Python keeps the sign of a negative value that rounds to zero (-0.0) unless 'z' asks to drop it.
        if (negative && spec.NegativeZero && RoundsToZero(intPart, tail))
        {
            negative = false;
        }

        return PadNumber(SignOf(negative, spec), intPart, tail, spec, 3);
    }

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

    private static string SignOf(bool negative, Spec spec) => negative ? "-" : spec.Sign switch
    {
        '+' => "+",
        ' ' => " ",
        _ => string.Empty,
    };

    /// <summary>Groups <paramref name="digits"/>, then pads sign + digits + tail to the width (zero padding keeps the grouping).</summary>
    private static string PadNumber(string head, string digits, string tail, Spec spec, int groupSize)
    {
        if (spec.Grouping is char g && groupSize > 0)
        {
            if (spec.Align == '=' && spec.Fill == '0' && spec.Width is int w)
            {
                // As Python: zeros join the digits (and their grouping) until the whole reaches the width.
                while (head.Length + Group(digits, g, groupSize).Length + tail.Length < w)
                {
                    digits = "0" + digits;
                }
            }

            digits = Group(digits, g, groupSize);
        }

        return Pad(head, digits + tail, spec, defaultAlign: '>');
    }

    private static string Group(string digits, char separator, int size)
    {
        var sb = new StringBuilder(digits.Length + (digits.Length / size));
        for (int i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % size == 0)
            {
                sb.Append(separator);
            }

            sb.Append(digits[i]);
        }

        return sb.ToString();
    }

    private static string Pad(string head, string body, Spec spec, char defaultAlign)
    {
        int length = head.Length + body.Length;
        if (spec.Width is not int width || width <= length)
        {
            return head + body;
        }

        int pad = width - length;
        return (spec.Align ?? defaultAlign) switch
        {
            '<' => head + body + new string(spec.Fill, pad),
            '^' => new string(spec.Fill, pad / 2) + head + body + new string(spec.Fill, pad - (pad / 2)),
            '=' => head + new string(spec.Fill, pad) + body,
            _ => new string(spec.Fill, pad) + head + body,
        };
    }

    /// <summary>A parsed format spec: <c>[[fill]align][sign][z][#][0][width][grouping][.precision][type]</c>.</summary>
    private sealed record Spec(char Fill, char? Align, char? Sign, bool NegativeZero, bool Alternate, int? Width, char? Grouping, int? Precision, char? Type)
    {
        public static Spec Parse(string spec, string typeName)
        {
            int p = 0;
            char fill = ' ';
            char? align = null;
            if (spec.Length >= 2 && spec[1] is '<' or '>' or '^' or '=')
            {
                (fill, align, p) = (spec[0], spec[1], 2);
            }
            else if (spec.Length >= 1 && spec[0] is '<' or '>' or '^' or '=')
            {
                (align, p) = (spec[0], 1);
            }

            char? sign = p < spec.Length && spec[p] is '+' or '-' or ' ' ? spec[p++] : null;
            bool negativeZero = p < spec.Length && spec[p] == 'z' && p++ >= 0;
            bool alternate = p < spec.Length && spec[p] == '#' && p++ >= 0;
            if (p < spec.Length && spec[p] == '0')
            {
                // A zero before the width: pad with zeros after the sign, unless an alignment was given.
                if (align is null)
                {
                    (fill, align) = ('0', '=');
                }

                p++;
            }

            int? width = Digits(spec, ref p);
            char? grouping = p < spec.Length && spec[p] is ',' or '_' ? spec[p++] : null;
            int? precision = null;
            if (p < spec.Length && spec[p] == '.')
            {
                p++;
                precision = Digits(spec, ref p) ?? throw new FormatException("Format specifier missing precision");
            }

            char? type = p < spec.Length ? spec[p++] : null;
            if (p != spec.Length)
            {
                throw new FormatException($"Invalid format specifier '{spec}' for object of type '{typeName}'");
            }

            return new Spec(fill, align, sign, negativeZero, alternate, width, grouping, precision, type);
        }

        private static int? Digits(string spec, ref int p)
        {
            int start = p;
            while (p < spec.Length && char.IsAsciiDigit(spec[p]))
            {
                p++;
            }

            return p == start ? null : int.Parse(spec.AsSpan(start, p - start), CultureInfo.InvariantCulture);
        }
    }
}
