using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;

namespace Nabla.Datasets;

/// <summary>
/// Downloads a dataset's canonical files into the cache folder, as Keras's <c>get_file</c> does, only when a loader
/// is called with <c>download: true</c>.
/// </summary>
/// <remarks>
/// Each file is fetched into a temporary file in the cache folder, its SHA-256 compared with the known hash, and only
/// then renamed to its final name: a corrupt or interrupted download is never cached, and a reader never sees half a
/// file. A cached file is checked against its hash whenever a download is asked for, and fetched again if it fails.
/// </remarks>
internal static class DatasetDownloader
{
    // One client for the process, as HttpClient is meant to be used; the timeout covers connecting and the headers.
    private static readonly HttpClient s_client = new() { Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>Makes sure every file of <paramref name="remote"/> is in the cache, verified; returns the cache folder.</summary>
    /// <exception cref="IOException">A download failed (no network, an HTTP error); the message names the URL.</exception>
    /// <exception cref="InvalidDataException">A downloaded file does not have the expected SHA-256; nothing was cached.</exception>
    public static string Fetch(DatasetSpec spec, RemoteFiles remote, DataSources sources)
    {
        string folder = Path.Combine(sources.CacheRoot, remote.Folder);
        foreach (RemoteFile file in remote.Files)
        {
            string target = Path.Combine(folder, file.Name);
            if (File.Exists(target))
            {
                string cached = Sha256(target);
                if (cached == file.Sha256)
                {
                    continue;
                }

                sources.Log.WriteLine(
                    $"Nabla: the cached {target} fails its SHA-256 check (it has {cached}, {spec.DisplayName}'s {file.Name} has {file.Sha256}); downloading it again.");
            }

            Download(spec, sources.BaseUrl + file.Name, target, file.Sha256, sources.Log);
        }

        return folder;
    }

    /// <summary>The SHA-256 of a file, lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void Download(DatasetSpec spec, string url, string target, string sha256, TextWriter log)
    {
        string folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.part");
        log.WriteLine($"Nabla: downloading {spec.DisplayName}: {url} -> {target}");
        try
        {
            long bytes;
            string actual;
            using (var request = new HttpRequestMessage(HttpMethod.Get, url))
            using (HttpResponseMessage response = s_client.Send(request, HttpCompletionOption.ResponseHeadersRead))
            {
                response.EnsureSuccessStatusCode();   // "Response status code does not indicate success: 404 (Not Found)."
                using Stream body = response.Content.ReadAsStream();
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[] buffer = new byte[1 << 16];
                bytes = 0;
                int n;
                while ((n = body.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    output.Write(buffer, 0, n);
                    bytes += n;
                }

                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (actual != sha256)
            {
                throw new InvalidDataException(
                    $"The download of {url} is corrupt: its SHA-256 is {actual} ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes), " +
                    $"but {spec.DisplayName}'s {Path.GetFileName(target)} has {sha256}. Nothing was cached; call " +
                    $"{spec.LoadDataName}(download: true) again. If it keeps failing, a proxy or mirror is changing the file.");
            }

            File.Move(temp, target, overwrite: true);
            log.WriteLine($"Nabla: downloaded {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, SHA-256 verified.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new IOException($"Downloading {spec.DisplayName} from {url} failed: {ex.Message}{Offline(spec, folder)}", ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static string Offline(DatasetSpec spec, string folder) =>
        $" To work offline, put the files in {folder} yourself, or pass the folder holding them to {spec.LoadDataName}(path).";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray ".part" file is ignored by every loader; the download's error is what matters.
        }
    }
}
