using System.Reflection;
using System.Text;

namespace Nabla.Datasets;

/// <summary>Where a dataset's four IDX files were found, and by which rule.</summary>
internal enum DataOrigin
{
    /// <summary>The folder passed to <c>LoadData(path)</c>.</summary>
    ExplicitPath,

    /// <summary>A subfolder of the folder named by the <c>NABLA_DATA</c> environment variable.</summary>
    Environment,

    /// <summary>The copy shipped in the repository's <c>data/</c> folder.</summary>
    Repository,

    /// <summary>A system-wide install, such as Debian's <c>/usr/share/datasets/</c>.</summary>
    System,
}

/// <summary>A folder holding the four IDX files of a dataset, with the path of each file.</summary>
internal sealed record DataFolder(string Path, DataOrigin Origin, string TrainImages, string TrainLabels, string TestImages, string TestLabels);

/// <summary>
/// Finds a dataset's files, in this order: an explicit path; <c>$NABLA_DATA/&lt;folder&gt;</c>; the repository's
/// <c>data/&lt;folder&gt;</c>; <c>/usr/share/datasets/&lt;folder&gt;</c>. The testable overload takes the environment
/// and the candidate roots as arguments.
/// </summary>
internal static class DataLocator
{
    /// <summary>The environment variable naming a folder with one subfolder per dataset.</summary>
    public const string EnvironmentVariable = "NABLA_DATA";

    /// <summary>The assembly metadata key under which the build records the repository's data folder.</summary>
    public const string MetadataKey = "Nabla.DataDirectory";

    /// <summary>Where Debian's dataset packages install (e.g. <c>dataset-fashion-mnist</c>).</summary>
    public const string SystemRoot = "/usr/share/datasets";

    /// <summary>The four standard IDX file names, each looked for with ".gz" first, then raw.</summary>
    public static readonly string[] FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Finds <paramref name="spec"/>'s files from this process's environment and this build's repository.</summary>
    public static DataFolder Find(DatasetSpec spec, string? path) =>
        Find(spec, path, System.Environment.GetEnvironmentVariable(EnvironmentVariable), RepositoryRoots(), [SystemRoot]);

    /// <summary>Finds <paramref name="spec"/>'s files; throws <see cref="FileNotFoundException"/> listing every place looked in.</summary>
    /// <param name="spec">The dataset; its <see cref="DatasetSpec.Folders"/> are the subfolder names, in order of preference.</param>
    /// <param name="path">A folder given by the caller: it must hold the files (or one of the subfolders that do); no fallback.</param>
    /// <param name="nablaData">The value of <c>NABLA_DATA</c>, or null when it is not set.</param>
    /// <param name="repositoryRoots">Data folders of the repository, in order.</param>
    /// <param name="systemRoots">System-wide data folders, in order.</param>
    public static DataFolder Find(DatasetSpec spec, string? path, string? nablaData, IReadOnlyList<string> repositoryRoots, IReadOnlyList<string> systemRoots)
    {
        if (path is not null)
        {
            return FindExplicit(spec, path);
        }

        var looked = new List<string>();
        if (string.IsNullOrWhiteSpace(nablaData))
        {
            looked.Add($"{EnvironmentVariable}: not set");
        }
        else if (Search(spec, [nablaData], DataOrigin.Environment, looked, $" (from {EnvironmentVariable})") is { } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (Search(spec, repositoryRoots, DataOrigin.Repository, looked, " (the copy shipped with the repository)") is { } fromRepository)
        {
            return fromRepository;
        }

        if (Search(spec, systemRoots, DataOrigin.System, looked, " (system-wide)") is { } fromSystem)
        {
            return fromSystem;
        }

        var message = new StringBuilder($"{spec.DisplayName} was not found. Looked in:");
        foreach (string place in looked)
        {
            message.Append("\n  - ").Append(place);
        }

        message.Append($"\nTo fix: pass the folder holding the four IDX files ({string.Join(", ", FileNames)}, each .gz or raw) ")
            .Append($"to {spec.LoadDataName}(path), or set {EnvironmentVariable} to a folder containing {string.Join(" or ", spec.Folders.Select(f => f + "/"))}");
        if (spec.SystemPackage is not null)
        {
            message.Append($", or install Debian's {spec.SystemPackage} package (it installs {SystemRoot}/{spec.Folders[0]}/)");
        }

        throw new FileNotFoundException(message.Append('.').ToString());
    }

    /// <summary>The repository's data folders: the one recorded at build time, then one found above the program's folder.</summary>
    public static IReadOnlyList<string> RepositoryRoots()
    {
        var roots = new List<string>();
        foreach (AssemblyMetadataAttribute a in typeof(DataLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (a.Key == MetadataKey && !string.IsNullOrEmpty(a.Value))
            {
                roots.Add(Path.GetFullPath(a.Value));
            }
        }

        // For a build copied elsewhere (or built on another machine): walk up from the program's folder to a
        // checkout's data folder, recognised by its fashion-mnist subfolder.
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data");
            if (Directory.Exists(Path.Combine(candidate, "fashion-mnist")))
            {
                string full = Path.GetFullPath(candidate);
                if (!roots.Exists(r => SamePath(r, full)))
                {
                    roots.Add(full);
                }

                break;
            }
        }

        return roots;
    }

    private static DataFolder FindExplicit(DatasetSpec spec, string path)
    {
        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException(
                $"{spec.LoadDataName}: the folder '{path}' does not exist. Pass the folder that holds the four IDX files of {spec.DisplayName}.", path);
        }

        if (TryFolder(path, DataOrigin.ExplicitPath, out DataFolder? folder, out string missing))
        {
            return folder;
        }

        // Also accept a NABLA_DATA-style parent folder (path/fashion-mnist/...).
        foreach (string sub in spec.Folders)
        {
            if (TryFolder(Path.Combine(path, sub), DataOrigin.ExplicitPath, out folder, out _))
            {
                return folder;
            }
        }

        throw new FileNotFoundException(
            $"{spec.LoadDataName}: the folder '{path}' does not hold the {spec.DisplayName} files: missing {missing}. " +
            $"Pass the folder that holds {string.Join(", ", FileNames.Select(f => f + ".gz"))} (gzip-compressed or raw).", path);
    }

    private static DataFolder? Search(DatasetSpec spec, IReadOnlyList<string> roots, DataOrigin origin, List<string> looked, string note)
    {
        foreach (string root in roots)
        {
            foreach (string sub in spec.Folders)
            {
                string folder = Path.Combine(root, sub);
                if (TryFolder(folder, origin, out DataFolder? found, out string missing))
                {
                    return found;
                }

                looked.Add(Directory.Exists(folder) ? $"{folder}{note}: missing {missing}" : $"{folder}{note}: no such folder");
            }
        }

        return null;
    }

    private static bool TryFolder(string folder, DataOrigin origin, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DataFolder? found, out string missing)
    {
        found = null;
        missing = string.Empty;
        if (!Directory.Exists(folder))
        {
            missing = string.Join(", ", FileNames);
            return false;
        }

        var files = new string[FileNames.Length];
        var absent = new List<string>();
        for (int i = 0; i < FileNames.Length; i++)
        {
            string gz = Path.Combine(folder, FileNames[i] + ".gz"), raw = Path.Combine(folder, FileNames[i]);
            files[i] = File.Exists(gz) ? gz : File.Exists(raw) ? raw : string.Empty;
            if (files[i].Length == 0)
            {
                absent.Add(FileNames[i] + "(.gz)");
            }
        }

        if (absent.Count > 0)
        {
            missing = string.Join(", ", absent);
            return false;
        }

        found = new DataFolder(Path.GetFullPath(folder), origin, files[0], files[1], files[2], files[3]);
        return true;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);
}
