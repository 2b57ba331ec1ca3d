using System.Globalization;
using System.Text;

namespace Nabla.Callbacks;

// PythonFormat: the parsed format spec, signs, grouping and padding.
internal static partial class PythonFormat
{
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
