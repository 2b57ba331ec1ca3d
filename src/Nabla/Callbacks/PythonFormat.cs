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
internal static partial class PythonFormat
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
}
