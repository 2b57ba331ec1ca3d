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

    /// <summary>The download cache (<c>~/.nabla/datasets</c> unless moved), where <c>LoadData(download: true)</c> puts files.</summary>
    Cache,

    /// <summary>The copy shipped in the repository's <c>data/</c> folder.</summary>
    Repository,

    /// <summary>A system-wide install, such as Debian's <c>/usr/share/datasets/</c>.</summary>
    System,
}

/// <summary>
/// A folder holding a dataset: the path of each of the four IDX files, or of one <c>.npz</c> archive (Keras's
/// <c>mnist.npz</c>) holding all four arrays, in which case the IDX paths are empty.
/// </summary>
internal sealed record DataFolder(
    string Path, DataOrigin Origin, string TrainImages, string TrainLabels, string TestImages, string TestLabels, string? Archive = null);

/// <summary>
/// Finds a dataset's files, in this order: an explicit path; <c>$NABLA_DATA/&lt;folder&gt;</c>; the download cache;
/// the repository's <c>data/&lt;folder&gt;</c>; <c>/usr/share/datasets/&lt;folder&gt;</c>. The testable overload takes
/// the environment and the candidate roots as arguments.
/// </summary>
/// <remarks>
/// A program built from the repository records the repository's data folder at build time. A program using the
/// NuGet package has no repository: it finds datasets the same way, through <c>NABLA_DATA</c>, the cache (filled
/// by <c>LoadData(download: true)</c>) and the system folders.
/// </remarks>
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

    /// <summary>Finds <paramref name="spec"/>'s files from <paramref name="sources"/>.</summary>
    public static DataFolder Find(DatasetSpec spec, string? path, DataSources sources) =>
        Find(spec, path, sources.NablaData, sources.RepositoryRoots, sources.SystemRoots, sources.CacheRoot);

    /// <summary>The first place that holds <paramref name="spec"/>'s files, in the search order, or null.</summary>
    public static DataFolder? TryFind(DatasetSpec spec, DataSources sources) =>
        Search(spec, sources.NablaData, sources.RepositoryRoots, sources.SystemRoots, sources.CacheRoot, looked: []);

    /// <summary>The cache folder of <paramref name="spec"/>'s download, if it holds the dataset's files.</summary>
    public static DataFolder? InCache(DatasetSpec spec, string cacheRoot) =>
        spec.Remote is { } remote && TryFolder(spec, Path.Combine(cacheRoot, remote.Folder), DataOrigin.Cache, out DataFolder? found, out _) ? found : null;

    /// <summary>Finds <paramref name="spec"/>'s files; throws <see cref="FileNotFoundException"/> listing every place looked in.</summary>
    /// <param name="spec">The dataset; its <see cref="DatasetSpec.Folders"/> are the subfolder names, in order of preference.</param>
    /// <param name="path">A folder given by the caller: it must hold the files (or one of the subfolders that do); no fallback.</param>
    /// <param name="nablaData">The value of <c>NABLA_DATA</c>, or null when it is not set.</param>
    /// <param name="repositoryRoots">Data folders of the repository, in order.</param>
    /// <param name="systemRoots">System-wide data folders, in order.</param>
    /// <param name="cacheRoot">The download cache folder, or null to leave it out.</param>
    public static DataFolder Find(
        DatasetSpec spec, string? path, string? nablaData, IReadOnlyList<string> repositoryRoots, IReadOnlyList<string> systemRoots, string? cacheRoot = null)
    {
        if (path is not null)
        {
            return FindExplicit(spec, path);
        }

        var looked = new List<string>();
        if (Search(spec, nablaData, repositoryRoots, systemRoots, cacheRoot, looked) is { } found)
        {
            return found;
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

        if (spec.Remote is { } remote)
        {
            message.Append($", or call {spec.LoadDataName}(download: true) to download it ({remote.Size}) once into the cache");
        }

        throw new FileNotFoundException(message.Append('.').ToString());
    }

    // The search order without an explicit path: NABLA_DATA, the cache, the repository, the system.
    private static DataFolder? Search(
        DatasetSpec spec, string? nablaData, IReadOnlyList<string> repositoryRoots, IReadOnlyList<string> systemRoots, string? cacheRoot, List<string> looked)
    {
        if (string.IsNullOrWhiteSpace(nablaData))
        {
            looked.Add($"{EnvironmentVariable}: not set");
        }
        else if (Search(spec, [nablaData], DataOrigin.Environment, looked, $" (from {EnvironmentVariable})") is { } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (cacheRoot is not null && spec.Remote is { } remote)
        {
            string folder = Path.Combine(cacheRoot, remote.Folder);
            if (TryFolder(spec, folder, DataOrigin.Cache, out DataFolder? cached, out string missing))
            {
                return cached;
            }

            looked.Add(Directory.Exists(folder) ? $"{folder} (the download cache): missing {missing}" : $"{folder} (the download cache): no such folder");
        }

        if (Search(spec, repositoryRoots, DataOrigin.Repository, looked, " (the copy shipped with the repository)") is { } fromRepository)
        {
            return fromRepository;
        }

        return Search(spec, systemRoots, DataOrigin.System, looked, " (system-wide)");
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

        if (TryFolder(spec, path, DataOrigin.ExplicitPath, out DataFolder? folder, out string missing))
        {
            return folder;
        }

        // Also accept a NABLA_DATA-style parent folder (path/fashion-mnist/...).
        foreach (string sub in spec.Folders)
        {
            if (TryFolder(spec, Path.Combine(path, sub), DataOrigin.ExplicitPath, out folder, out _))
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
                if (TryFolder(spec, folder, origin, out DataFolder? found, out string missing))
                {
                    return found;
                }

                looked.Add(Directory.Exists(folder) ? $"{folder}{note}: missing {missing}" : $"{folder}{note}: no such folder");
            }
        }

        return null;
    }

    // The four IDX files, or the dataset's .npz archive (mnist.npz) when it has one.
    private static bool TryFolder(
        DatasetSpec spec, string folder, DataOrigin origin, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DataFolder? found, out string missing)
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
            if (spec.Archive is { } archive && File.Exists(Path.Combine(folder, archive)))
            {
                found = new DataFolder(Path.GetFullPath(folder), origin, "", "", "", "", Path.GetFullPath(Path.Combine(folder, archive)));
                return true;
            }

            missing = string.Join(", ", absent) + (spec.Archive is { } name ? $" (or {name})" : string.Empty);
            return false;
        }

        found = new DataFolder(Path.GetFullPath(folder), origin, files[0], files[1], files[2], files[3]);
        return true;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);
}
