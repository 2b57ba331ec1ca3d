namespace Nabla.Datasets;

/// <summary>One file of a dataset's canonical download, with the SHA-256 it must have.</summary>
/// <param name="Name">The file name, both in the download URL (after the base URL) and in the cache folder.</param>
/// <param name="Sha256">The expected SHA-256, lowercase hex.</param>
internal sealed record RemoteFile(string Name, string Sha256);

/// <summary>
/// Where a dataset's canonical files are downloaded from and cached, as <c>keras.datasets</c> fetches them: the
/// same URLs, the same SHA-256 hashes, the same layout under the cache folder (so a cache folder can be Keras's own
/// <c>~/.keras/datasets</c>).
/// </summary>
/// <param name="Folder">The subfolder of the cache folder the files go to (empty: the cache folder itself).</param>
/// <param name="Files">The files, each checked by SHA-256.</param>
/// <param name="Size">The total download size, for the messages (for example "11 MB").</param>
internal sealed record RemoteFiles(string Folder, RemoteFile[] Files, string Size)
{
    /// <summary>Where keras.datasets downloads MNIST and Fashion-MNIST from.</summary>
    public const string KerasBaseUrl = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";
}
