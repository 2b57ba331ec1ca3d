namespace Nabla.Devices;

/// <summary>The per-sample values a <see cref="DeviceBackend"/> computes for the built-in accuracy metrics (their span code in <c>Nabla.Metrics</c>).</summary>
internal enum MetricValueKind
{
    /// <summary><c>Accuracy</c>: the fraction of the row's elements where prediction and label are equal.</summary>
    Accuracy,

    /// <summary><c>BinaryAccuracy</c>: the fraction of the row's elements where (prediction &gt; threshold ? 1 : 0) equals the label.</summary>
    Binary,

    /// <summary><c>CategoricalAccuracy</c>: 1 where the arg-max of the prediction row equals the arg-max of the label row.</summary>
    Categorical,

    /// <summary><c>SparseCategoricalAccuracy</c>: 1 where the arg-max of the prediction row equals the class id.</summary>
    SparseCategorical,

    /// <summary><c>TopKCategoricalAccuracy</c>: 1 where the label row's arg-max is among the k largest predictions.</summary>
    TopK,

    /// <summary><c>SparseTopKCategoricalAccuracy</c>: 1 where the class id is among the k largest predictions.</summary>
    SparseTopK,
}
