namespace Nabla.Plotting;

/// <summary>
/// Writes a file all at once or not at all: the bytes go to a temporary file in the target's folder, which then
/// replaces the target in one rename, so a crash or a full disk never leaves a half-written image where a good one
/// was.
/// </summary>
/// <remarks>
/// Errors name the target path, never the temporary file the user did not ask for, and keep the original exception
/// as the inner one. Removing the temporary file after a failure is best effort: if that fails too, the original
/// error is the one thrown.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, replacing any file there.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="bytes">The whole content.</param>
    /// <param name="deleteTemporary">Removes the temporary file after a failure (default <see cref="File.Delete"/>; tests make it fail).</param>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist; the message names both.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the target may not be written.</exception>
    /// <exception cref="IOException">Writing or renaming failed (a full disk, the target is a folder, ...).</exception>
    public static void Write(string path, byte[] bytes, Action<string>? deleteTemporary = null)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? Path.GetPathRoot(full) ?? ".";
        if (!Directory.Exists(folder))
        {
            throw MissingFolder(full, folder, inner: null);
        }

        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp, deleteTemporary ?? File.Delete);
            throw ex switch
            {
                // The folder vanished between the check and the write.
                DirectoryNotFoundException => MissingFolder(full, folder, ex),
                UnauthorizedAccessException => new UnauthorizedAccessException(
                    $"Plot: cannot write '{full}': access is denied (to the file or to its folder '{folder}'). {ex.Message}", ex),
                _ => new IOException($"Plot: could not write '{full}': {ex.Message}", ex),
            };
        }
    }

    private static DirectoryNotFoundException MissingFolder(string full, string folder, Exception? inner) => new(
        $"Plot: cannot write '{full}': the folder '{folder}' does not exist. Create it first " +
        "(Directory.CreateDirectory) or choose a path in an existing folder.", inner);

    private static void TryDelete(string temp, Action<string> delete)
    {
        try
        {
            if (File.Exists(temp))
            {
                delete(temp);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the write's own error is the one that matters; a stray ".tmp" file is harmless.
        }
    }
}
