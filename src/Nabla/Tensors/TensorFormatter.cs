using System.Globalization;
using System.Text;

namespace Nabla.Tensors;

/// <summary>
/// NumPy's <c>str()</c> of a float32 array (<c>arrayprint._formatArray</c> with <c>FloatingFormat</c> in its
/// default 'maxprec' mode, precision 8, line width 75, threshold 1000, 3 edge items), and of a float32 scalar.
/// </summary>
internal static class TensorFormatter
{
    private const int LineWidth = 75;
    private const int Threshold = 1000;
    private const int EdgeItems = 3;
    private const int Precision = 8;

    public static string Format(ReadOnlySpan<float> data, ReadOnlySpan<int> dims)
    {
        if (dims.Length == 0)
        {
            return FormatScalar(data[0]);
        }

        if (data.Length == 0)
        {
            return "[]";
        }

        var printer = new Printer(data.ToArray(), dims.ToArray(), summarize: data.Length > Threshold);
        return printer.Print();
    }

    /// <summary>A float32 scalar as NumPy's <c>str(np.float32(v))</c>: positional for 1e-4 ≤ |v| &lt; 1e16 (and 0), else scientific.</summary>
    public static string FormatScalar(float v)
    {
        if (!float.IsFinite(v))
        {
            return NonFinite(v);
        }

        Digits d = Digits.Shortest(v);
        double abs = Math.Abs((double)v);
        if (v == 0f || (abs >= 1e-4 && abs < 1e16))
        {
            (string intPart, string frac) = d.Positional();
            return $"{intPart}.{(frac.Length == 0 ? "0" : frac)}";
        }

        string mantissa = d.Text.Length > 1 ? $"{d.Text[0]}.{d.Text[1..]}" : d.Text;
        return $"{d.Sign}{mantissa}e{Exponent(d.Exponent, 2)}";
    }

    private static string NonFinite(float v) => float.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";

    private static string Exponent(int e, int digits) =>
        (e < 0 ? "-" : "+") + Math.Abs(e).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');

    /// <summary>The recursive layout of NumPy's <c>_formatArray</c>, over a row-major copy of the elements.</summary>
    private sealed class Printer(float[] data, int[] dims, bool summarize)
    {
        private readonly int[] _strides = RowMajorStrides(dims);
        private FloatFormat _format = null!;

        public string Print()
        {
            // The widths and notation come from the displayed elements only, as NumPy's _leading_trailing.
            var shown = new List<float>();
            Collect(0, 0, shown);
            _format = new FloatFormat(shown);
            return Recurse(0, 0, " ", LineWidth);
        }

        private void Collect(int axis, int offset, List<float> shown)
        {
            if (axis == dims.Length)
            {
                shown.Add(data[offset]);
                return;
            }

            foreach (int i in Shown(dims[axis]))
            {
                Collect(axis + 1, offset + (i * _strides[axis]), shown);
            }
        }

        private IEnumerable<int> Shown(int length)
        {
            bool cut = summarize && 2 * EdgeItems < length;
            for (int i = 0; i < length; i++)
            {
                if (!cut || i < EdgeItems || i >= length - EdgeItems)
                {
                    yield return i;
                }
            }
        }

        private string Recurse(int axis, int offset, string hangingIndent, int width)
        {
            if (axis == dims.Length)
            {
                return _format.Format(data[offset]);
            }

            string nextIndent = hangingIndent + " ";
            int nextWidth = width - 1;   // room for this level's ']'
            int length = dims[axis], stride = _strides[axis];
            bool summary = summarize && 2 * EdgeItems < length;
            int leading = summary ? EdgeItems : 0, trailing = summary ? EdgeItems : length;
            var s = new StringBuilder();
            if (axis == dims.Length - 1)
            {
                // The last axis: elements separated by ' ', wrapped before a word would pass width - len(']').
                int elementWidth = width - 1;
                var line = new StringBuilder(hangingIndent);
                for (int i = 0; i < leading; i++)
                {
                    ExtendLine(s, line, Recurse(axis + 1, offset + (i * stride), nextIndent, nextWidth), elementWidth, hangingIndent);
                    line.Append(' ');
                }

                if (summary)
                {
                    ExtendLine(s, line, "...", elementWidth, hangingIndent);
                    line.Append(' ');
                }

                for (int i = trailing; i > 1; i--)
                {
                    ExtendLine(s, line, Recurse(axis + 1, offset + ((length - i) * stride), nextIndent, nextWidth), elementWidth, hangingIndent);
                    line.Append(' ');
                }

                ExtendLine(s, line, Recurse(axis + 1, offset + ((length - 1) * stride), nextIndent, nextWidth), elementWidth, hangingIndent);
                s.Append(line);
            }
            else
            {
                // Outer axes: one sub-array per line, with a blank line per extra level of nesting.
                string separator = new('\n', dims.Length - axis - 1);
                for (int i = 0; i < leading; i++)
                {
                    s.Append(hangingIndent).Append(Recurse(axis + 1, offset + (i * stride), nextIndent, nextWidth)).Append(separator);
                }

                if (summary)
                {
                    s.Append(hangingIndent).Append("...").Append(separator);
                }

                for (int i = trailing; i > 1; i--)
                {
                    s.Append(hangingIndent).Append(Recurse(axis + 1, offset + ((length - i) * stride), nextIndent, nextWidth)).Append(separator);
                }

                s.Append(hangingIndent).Append(Recurse(axis + 1, offset + ((length - 1) * stride), nextIndent, nextWidth));
            }

            // Replace the leading hanging indent with the opening bracket.
            return "[" + s.ToString(hangingIndent.Length, s.Length - hangingIndent.Length) + "]";
        }

        private static void ExtendLine(StringBuilder s, StringBuilder line, string word, int width, string prefix)
        {
            // Wrap when the word would pass the width, unless the line holds nothing yet (wrapping would not help).
            if (line.Length + word.Length > width && line.Length > prefix.Length)
            {
                s.Append(line.ToString().TrimEnd()).Append('\n');
                line.Clear().Append(prefix);
            }

            line.Append(word);
        }

        private static int[] RowMajorStrides(int[] dims)
        {
            var strides = new int[dims.Length];
            int s = 1;
            for (int i = dims.Length - 1; i >= 0; i--)
            {
                strides[i] = s;
                s *= dims[i];
            }

            return strides;
        }
    }

    /// <summary>NumPy's <c>FloatingFormat</c> for the default print options: the notation and padding shared by all elements.</summary>
    private sealed class FloatFormat
    {
        private readonly bool _scientific;
        private readonly int _padLeft, _padRight, _fractionDigits;

        public FloatFormat(List<float> values)
        {
            float max = 0f, min = float.PositiveInfinity;
            bool anyFinite = false, anyNonFinite = false, negativeInfinity = false;
            foreach (float v in values)
            {
                if (!float.IsFinite(v))
                {
                    anyNonFinite = true;
                    negativeInfinity |= float.IsNegativeInfinity(v);
                    continue;
                }

                anyFinite = true;
                float a = Math.Abs(v);
                if (a != 0f)
                {
                    max = Math.Max(max, a);
                    min = Math.Min(min, a);
                }
            }

            // Compared in float32, as NumPy 2 does (NEP 50: the Python float thresholds become float32).
            _scientific = max > 0f && (max >= 1e8f || min < 1e-4f || max / min > 1000f);
            if (anyFinite)
            {
                foreach (float v in values)
                {
                    if (!float.IsFinite(v))
                    {
                        continue;
                    }

                    Digits d = Digits.Shortest(v);
                    if (_scientific)
                    {
                        _padLeft = Math.Max(_padLeft, d.Sign.Length + 1);
                        _fractionDigits = Math.Max(_fractionDigits, d.Text.Length - 1);
                    }
                    else
                    {
                        (string intPart, string frac) = Digits.Cut(v, Precision).Positional();
                        _padLeft = Math.Max(_padLeft, intPart.Length);
                        _padRight = Math.Max(_padRight, frac.Length);
                    }
                }

                if (_scientific)
                {
                    _padRight = 2 + 2 + _fractionDigits;   // "e+XX" (float32 exponents have 2 digits) and the digits
                }
            }

            if (anyNonFinite)
            {
                int offset = _padRight + 1;
                _padLeft = Math.Max(_padLeft, Math.Max(3 - offset, 3 + (negativeInfinity ? 1 : 0) - offset));
            }
        }

        public string Format(float v)
        {
            if (!float.IsFinite(v))
            {
                return NonFinite(v).PadLeft(_padLeft + _padRight + 1);
            }

            Digits d = Digits.Shortest(v);
            if (_scientific)
            {
                // Every mantissa gets the same number of digits; extra ones are the exact value's, rounded.
                if (d.Text.Length - 1 < _fractionDigits)
                {
                    d = Digits.Rounded(v, _fractionDigits + 1);
                }

                string text = d.Text.PadRight(_fractionDigits + 1, '0');
                return (d.Sign + text[0]).PadLeft(_padLeft) + "." + text[1..] + "e" + Exponent(d.Exponent, 2);
            }

            (string intPart, string frac) = Digits.Cut(v, Precision).Positional();
            return intPart.PadLeft(_padLeft) + "." + frac.PadRight(_padRight);
        }
    }

    /// <summary>
    /// A float's decimal digits without leading or trailing zeros, and the power of ten of the first one:
    /// |v| = d₀.d₁d₂… × 10^Exponent. Zero is "0" with exponent 0.
    /// </summary>
    private readonly record struct Digits(string Sign, string Text, int Exponent)
    {
        /// <summary>The shortest digits that read back as the same float (what NumPy's Dragon4 'unique' mode gives).</summary>
        public static Digits Shortest(float v) =>
            Parse(float.IsNegative(v) ? "-" : "", Math.Abs(v).ToString("R", CultureInfo.InvariantCulture));

        /// <summary>The exact value rounded half-to-even to <paramref name="significant"/> digits.</summary>
        public static Digits Rounded(float v, int significant) =>
            Parse(float.IsNegative(v) ? "-" : "",
                Math.Abs((double)v).ToString("E" + (significant - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

        /// <summary>
        /// The shortest digits, unless they reach more than <paramref name="fractionDigits"/> places after the
        /// decimal point: then the exact value rounded half-to-even to that many places (Dragon4's cutoff).
        /// </summary>
        public static Digits Cut(float v, int fractionDigits)
        {
            Digits d = Shortest(v);
            return d.Text.Length - 1 - d.Exponent <= fractionDigits
                ? d
                : Parse(d.Sign, Math.Abs((double)v).ToString("F" + fractionDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }

        /// <summary>The integer part (with sign) and the fraction digits, trailing zeros dropped.</summary>
        public (string IntPart, string Fraction) Positional()
        {
            if (Exponent >= 0)
            {
                string intDigits = Text.Length > Exponent + 1 ? Text[..(Exponent + 1)] : Text.PadRight(Exponent + 1, '0');
                string frac = Text.Length > Exponent + 1 ? Text[(Exponent + 1)..] : "";
                return (Sign + intDigits, frac);
            }

            return (Sign + "0", new string('0', -Exponent - 1) + Text);
        }

        private static Digits Parse(string sign, string text)
        {
            int e = text.IndexOfAny(['E', 'e']);
            int exponent = e >= 0 ? int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
            string mantissa = e >= 0 ? text[..e] : text;
            int point = mantissa.IndexOf('.');
            string digits = point >= 0 ? mantissa.Remove(point, 1) : mantissa;
            int intLength = point >= 0 ? point : mantissa.Length;
            string trimmed = digits.TrimStart('0');
            if (trimmed.Length == 0)
            {
                return new Digits(sign, "0", 0);
            }

            int leadingZeros = digits.Length - trimmed.Length;
            return new Digits(sign, trimmed.TrimEnd('0'), exponent + intLength - leadingZeros - 1);
        }
    }
}
