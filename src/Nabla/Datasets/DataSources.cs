namespace Nabla.Datasets;

/// <summary>
/// Everything the dataset loaders look at outside their arguments: the environment, the folders searched, the
/// download cache and mirror, and where notices go. <see cref="FromEnvironment"/> reads this process's; tests make
/// their own.
/// </summary>
/// <param name="NablaData">The value of <c>NABLA_DATA</c>, or null when it is not set.</param>
/// <param name="RepositoryRoots">The repository's data folders (none for a program using the NuGet package).</param>
/// <param name="SystemRoots">System-wide data folders, such as Debian's <c>/usr/share/datasets</c>.</param>
/// <param name="CacheRoot">The download cache folder.</param>
/// <param name="BaseUrl">The URL the canonical files are downloaded from, ending in '/'.</param>
/// <param name="Log">Where notices and download progress are written (standard error).</param>
internal sealed record DataSources(
    string? NablaData, IReadOnlyList<string> RepositoryRoots, IReadOnlyList<string> SystemRoots, string CacheRoot, string BaseUrl, TextWriter Log)
{
    /// <summary>The environment variable that moves the download cache (default <c>~/.nabla/datasets</c>).</summary>
    public const string CacheVariable = "NABLA_DATASETS_CACHE";

    /// <summary>The environment variable that replaces the download URL (a mirror; tests use a local server).</summary>
    public const string BaseUrlVariable = "NABLA_DATASETS_BASE_URL";

    /// <summary>This process's sources; <paramref name="cacheDir"/>, when given, replaces the cache folder.</summary>
    public static DataSources FromEnvironment(string? cacheDir) => new(
        Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable),
        DataLocator.RepositoryRoots(),
        [DataLocator.SystemRoot],
        CacheFolder(cacheDir, Environment.GetEnvironmentVariable(CacheVariable)),
        MirrorUrl(Environment.GetEnvironmentVariable(BaseUrlVariable)),
        Console.Error);

    /// <summary>
    /// The cache folder: <paramref name="cacheDir"/>, else <paramref name="fromEnvironment"/>, else
    /// <c>~/.nabla/datasets</c> (under the temp folder when the user has no home folder).
    /// </summary>
    public static string CacheFolder(string? cacheDir, string? fromEnvironment)
    {
        if (!string.IsNullOrWhiteSpace(cacheDir))
        {
            return Path.GetFullPath(cacheDir);
        }

        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".nabla", "datasets");
    }

    /// <summary>The download URL: <paramref name="fromEnvironment"/> (with a trailing '/') or Keras's.</summary>
    public static string MirrorUrl(string? fromEnvironment) =>
        string.IsNullOrWhiteSpace(fromEnvironment) ? RemoteFiles.KerasBaseUrl
        : fromEnvironment.EndsWith('/') ? fromEnvironment : fromEnvironment + "/";
}
