namespace Nabla.Workloads;

/// <summary>Every workload, in the order the runner runs and reports them.</summary>
internal static class WorkloadCatalog
{
    /// <summary>All workloads; a new one is added here.</summary>
    public static IReadOnlyList<Workload> All { get; } =
    [
        new CelsiusWorkload(),
        new SineWorkload(),
        new MnistMlpWorkload(),
        FashionMlpWorkload.Batch32(),
        FashionMlpWorkload.Batch256(),
        new FashionCnnWorkload(),
        new GemmWorkload(),
        new StepWorkload(),
    ];

    /// <summary>The workloads the command-line names select, in catalog order; all of them when there are no names.</summary>
    /// <exception cref="ArgumentException">A name selects no workload.</exception>
    public static IReadOnlyList<Workload> Select(IReadOnlyList<string> selectors)
    {
        if (selectors.Count == 0)
        {
            return All;
        }

        foreach (string selector in selectors)
        {
            if (!All.Any(w => w.IsSelectedBy(selector)))
            {
                string known = string.Join(", ", All.Select(w => $"{w.Name} ({w.Id})"));
                throw new ArgumentException($"Unknown workload '{selector}'. Known: {known}; 'fashion-mlp' selects both batch sizes.");
            }
        }

        return [.. All.Where(w => selectors.Any(w.IsSelectedBy))];
    }
}
