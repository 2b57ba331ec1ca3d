using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Nabla.Tests.Saving;

/// <summary>
/// Runs HDF5's own <c>h5dump -H</c> (Debian's hdf5-tools; .ci/run installs it) on a file and parses its outline into
/// a tree, so tests can check files Nabla writes with the reference implementation of the format.
/// </summary>
internal sealed partial class H5Dump
{
    private H5Dump(string kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>GROUP, DATASET, ATTRIBUTE, DATATYPE…</summary>
    public string Kind { get; }

    public string Name { get; }

    /// <summary>Lines that are not blocks (e.g. <c>DATASPACE SIMPLE { ( 3 ) / ( 3 ) }</c>).</summary>
    public List<string> Lines { get; } = [];

    public List<H5Dump> Children { get; } = [];

    /// <summary>The outline of <paramref name="file"/>'s root group.</summary>
    public static H5Dump Of(string file)
    {
        var start = new ProcessStartInfo("h5dump", ["-H", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("h5dump is not installed; install Debian's hdf5-tools (.ci/run does) to check HDF5 files.", e);
        }

        using (process)
        {
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"h5dump failed on {file}: {error}");
            return Parse(output);
        }
    }

    /// <summary>The node at a '/'-separated path of group, dataset or attribute names.</summary>
    public H5Dump this[string path]
    {
        get
        {
            H5Dump node = this;
            foreach (string part in path.Split('/'))
            {
                node = node.Children.SingleOrDefault(c => c.Name == part)
                    ?? throw new Xunit.Sdk.XunitException($"h5dump shows no '{part}' in {node.Kind} '{node.Name}' (has: {string.Join(", ", node.Children.Select(c => c.Name))}).");
            }

            return node;
        }
    }

    /// <summary>The node as normalized text, for comparing structures.</summary>
    public string Outline(Func<string, string>? normalize = null)
    {
        var sb = new System.Text.StringBuilder();
        Write(this, 0);
        return sb.ToString();

        void Write(H5Dump n, int depth)
        {
            sb.Append(' ', depth * 2).Append(n.Kind).Append(' ').Append(n.Name).Append('\n');
            foreach (string line in n.Lines)
            {
                sb.Append(' ', (depth + 1) * 2).Append(normalize?.Invoke(line) ?? line).Append('\n');
            }

            foreach (H5Dump c in n.Children.OrderBy(c => c.Kind, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal))
            {
                Write(c, depth + 1);
            }
        }
    }

    private static H5Dump Parse(string text)
    {
        var root = new H5Dump("FILE", "");
        var stack = new Stack<H5Dump>();
        stack.Push(root);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "}")
            {
                stack.Pop();
                continue;
            }

            Match open = Block().Match(line);
            if (open.Success && !line.EndsWith('}'))
            {
                var node = new H5Dump(open.Groups[1].Value, open.Groups[2].Value);
                stack.Peek().Children.Add(node);
                stack.Push(node);
            }
            else
            {
                stack.Peek().Lines.Add(line);
            }
        }

        return root.Children.Single().Children.Single(c => c.Kind == "GROUP" && c.Name == "/");
    }

    [GeneratedRegex("^([A-Z0-9_]+)\\s*\"?([^\"{]*?)\"?\\s*\\{$")]
    private static partial Regex Block();
}
