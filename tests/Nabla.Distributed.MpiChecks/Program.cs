using System.Globalization;
using Nabla.Distributed;
using Nabla.Distributed.MpiChecks;

// The program that tests/Nabla.Distributed.Tests runs under mpirun (and alone, for singleton mode): one scenario per
// run, named by the first argument. Every rank prints "[rank r] ..." lines; a check that fails throws, so the job
// exits non-zero. The fault scenarios end the job on purpose and print what each rank saw.
if (args.Length == 0 || !Scenarios.All.TryGetValue(args[0], out Action<string[]>? scenario))
{
    Console.Error.WriteLine($"usage: Nabla.Distributed.MpiChecks <{string.Join("|", Scenarios.All.Keys)}> [timeout seconds]");
    return 2;
}

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
scenario(args);
Console.Out.Flush();
return 0;
