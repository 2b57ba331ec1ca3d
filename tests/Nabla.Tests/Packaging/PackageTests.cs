using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Nabla.Tests.Support;

namespace Nabla.Tests.Packaging;

/// <summary>
/// The packages as a .NET user meets them: <c>dotnet pack</c> into a folder feed, a fresh <c>dotnet new console</c>
/// project that references Nabla and Nabla.Plotting from it, a short Fit, run. The slowest test of the suite (it
/// builds the library once more, in a temporary folder: nothing is written into the repository).
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(5);
    private readonly TempFolder _temp = new();
    private readonly string _repository = RepositoryRoot();

    // A version no earlier run used, so that the machine's NuGet cache cannot hand back a stale package.
    private readonly string _version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public void Dispose()
    {
        // The restore put the test version into the global packages folder; remove it (it is only ever used here).
        string? packages = GlobalPackagesFolder();
        foreach (string id in new[] { "nabla", "nabla.plotting" })
        {
            string folder = packages is null ? string.Empty : Path.Combine(packages, id, _version);
            if (folder.Length > 0 && Directory.Exists(folder))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                    if (!Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(folder)!).Any())
                    {
                        Directory.Delete(Path.GetDirectoryName(folder)!);
                    }
                }
                catch (IOException)
                {
                    // Another process still has a file open; the folder is harmless.
                }
            }
        }

        _temp.Dispose();
    }

    [Fact]
    public void A_fresh_console_project_restores_the_packed_packages_and_trains()
    {
        string before = Run(_repository, "git", "status", "--porcelain");
        string feed = Path.Combine(_temp.Path, "feed"), artifacts = Path.Combine(_temp.Path, "artifacts");

        // Deterministic CI build into a folder feed; Nabla.Plotting's build includes Nabla's.
        foreach (string project in new[] { "src/Nabla.Plotting", "src/Nabla" })
        {
            Run(_repository, "dotnet", "pack", project, "-c", "Release", "--artifacts-path", artifacts, "-o", feed,
                "-p:ContinuousIntegrationBuild=true", $"-p:Version={_version}", "-nologo");
        }

        CheckPackage(Path.Combine(feed, $"Nabla.{_version}.nupkg"), "Nabla", "lib/net10.0/Nabla.dll", "lib/net10.0/Nabla.xml", "build/Nabla.targets", "buildTransitive/Nabla.targets");
        using (ZipArchive nupkg = ZipFile.OpenRead(Path.Combine(feed, $"Nabla.{_version}.nupkg")))
        {
            // The packed library is the ReadyToRun image of the Release build (IL beside the machine code).
            string dll = Path.Combine(_temp.Path, "packed-Nabla.dll");
            nupkg.GetEntry("lib/net10.0/Nabla.dll")!.ExtractToFile(dll);
            Assert.Equal(ReadyToRunImage.ExpectedInRelease, ReadyToRunImage.Has(dll));
        }

        CheckPackage(Path.Combine(feed, $"Nabla.Plotting.{_version}.nupkg"), "Nabla.Plotting", "lib/net10.0/Nabla.Plotting.dll");
        Assert.True(File.Exists(Path.Combine(feed, $"Nabla.{_version}.snupkg")), "the symbols package is missing");
        Assert.True(File.Exists(Path.Combine(feed, $"Nabla.Plotting.{_version}.snupkg")), "the symbols package is missing");

        string app = Path.Combine(_temp.Path, "app");
        Run(_temp.Path, "dotnet", "new", "console", "-o", app, "--no-restore");
        WriteNuGetConfig(app, feed);
        Run(app, "dotnet", "add", "package", "Nabla", "--version", _version, "--no-restore");
        Run(app, "dotnet", "add", "package", "Nabla.Plotting", "--version", _version, "--no-restore");
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System.Reflection;
            using Nabla;
            using Nabla.Layers;
            using Nabla.Plotting;

            Nabla.Random.SetSeed(1);
            var x = Tensor.Arange(0f, 2f, 0.1f).Reshape(-1, 1);
            var y = x * 3.0 + 1.0;
            var model = new Sequential([new Dense(8, activation: "relu", inputShape: [1]), new Dense(1)]);
            model.Compile(optimizer: "adam", loss: "mse");
            History history = model.Fit(x, y, epochs: 1, batchSize: 4, verbose: 0);
            Console.WriteLine($"loss: {history["loss"][0]:F4}");
            Plot.Lines(args[0], x, ("y", y), ("model", model.Predict(x, verbose: 0)));
            bool dataPath = typeof(Tensor).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Any(a => a.Key == "Nabla.DataDirectory");
            Console.WriteLine($"repository path in the DLL: {dataPath}");
            """);
        string png = Path.Combine(_temp.Path, "plot.png");
        string output = Run(app, "dotnet", "run", "-c", "Release", "--", png);

        Assert.Matches(@"loss: \d+\.\d{4}", output);
        Assert.Contains("repository path in the DLL: False", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(png).Length > 1000, "Nabla.Plotting did not write the plot");
        Assert.Equal(before, Run(_repository, "git", "status", "--porcelain"));

        // The package's build file gave the application Nabla's JIT settings.
        string runtimeConfig = File.ReadAllText(Directory.GetFiles(Path.Combine(app, "bin"), "app.runtimeconfig.json", SearchOption.AllDirectories).Single());
        Assert.Contains("\"System.Runtime.TieredCompilation\": false", runtimeConfig, StringComparison.Ordinal);
        Assert.Contains("\"System.Runtime.TieredCompilation.CallCountingDelayMs\": 0", runtimeConfig, StringComparison.Ordinal);
        Assert.Contains("\"System.Runtime.TieredPGO\": false", runtimeConfig, StringComparison.Ordinal);
    }

    private static void CheckPackage(string nupkg, string id, params string[] files)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (string file in files.Append("PACKAGE.md").Append("LICENSE"))
        {
            Assert.True(entries.Contains(file), $"{Path.GetFileName(nupkg)} lacks {file}; it holds {string.Join(", ", entries)}");
        }

        using Stream nuspec = zip.GetEntry($"{id}.nuspec")!.Open();
        XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Equal("PACKAGE.md", Value("readme"));
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.StartsWith("https://github.com/", (string?)repository.Attribute("url"), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? string.Empty);
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));

        // The package readme stands alone: no links relative to the repository.
        using var reader = new StreamReader(zip.GetEntry("PACKAGE.md")!.Open());
        string readme = reader.ReadToEnd();
        Assert.DoesNotMatch(@"\]\((?!https?://)", readme);
    }

    private void WriteNuGetConfig(string folder, string feed)
    {
        // The repository's sources (nuget.org and the machine's local feed), plus the folder feed, first.
        XDocument repositoryConfig = XDocument.Load(Path.Combine(_repository, "nuget.config"));
        var sources = new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "nabla-test-feed"), new XAttribute("value", feed)));
        foreach (XElement add in repositoryConfig.Descendants("packageSources").Elements("add"))
        {
            sources.Add(new XElement(add));
        }

        new XDocument(new XElement("configuration", sources)).Save(Path.Combine(folder, "nuget.config"));
    }

    private static string? GlobalPackagesFolder()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".nuget", "packages");
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Nabla.sln above {AppContext.BaseDirectory}.");
    }

    // Runs a command; fails the test with its output when it does not succeed.
    private static string Run(string workingDirectory, string fileName, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        // `dotnet test` exports MSBuild's own paths; a nested build must find its SDK afresh.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(s_commandTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {string.Join(' ', args)}' did not finish within {s_commandTimeout.TotalMinutes} minutes.");
        }

        string output = stdout + stderr.GetAwaiter().GetResult();
        Assert.True(process.ExitCode == 0, $"'{fileName} {string.Join(' ', args)}' in {workingDirectory} failed ({process.ExitCode}):\n{output}");
        return output;
    }
}
