using Nabla.Datasets;

namespace Nabla.Tests.Support;

/// <summary>The datasets shipped in the repository's data/ folder, found the way the library finds them.</summary>
internal static class ShippedData
{
    /// <summary>The folder of one shipped dataset, e.g. <c>fashion-mnist</c> or <c>mnist-10k</c>.</summary>
    public static string Folder(string name) => Path.Combine(DataLocator.RepositoryRoots()[0], name);
}
