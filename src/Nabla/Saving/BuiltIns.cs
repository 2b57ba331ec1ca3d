using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Regularizers;
using C = Nabla.Layers.ConfigValues;
using Cfg = System.Collections.Generic.IReadOnlyDictionary<string, object?>;
using LossMae = Nabla.Losses.MeanAbsoluteError;
using LossMse = Nabla.Losses.MeanSquaredError;
using MetricMae = Nabla.Metrics.MeanAbsoluteError;
using MetricMse = Nabla.Metrics.MeanSquaredError;

namespace Nabla.Saving;

/// <summary>
/// The built-in entries of <see cref="Serialization"/>: every class by its Keras class name with how to build it from
/// a config, and every string identifier. A new built-in class adds one line here (and its config keys in its own
/// <c>GetConfig</c>).
/// </summary>
internal static class BuiltIns
{
    public static void RegisterAll()
    {
        RegisterLayers();
        RegisterInitializers();
        RegisterRegularizers();
        RegisterLosses();
        RegisterMetrics();
        RegisterOptimizers();
        RegisterSchedules();
    }

    private static void RegisterLayers()
    {
        Class<Dense>(SerializableFamily.Layer, "Dense", Dense.FromConfig);
        Class<Flatten>(SerializableFamily.Layer, "Flatten", Flatten.FromConfig);
        Class<Reshape>(SerializableFamily.Layer, "Reshape", Reshape.FromConfig);
        Class<Activation>(SerializableFamily.Layer, "Activation", Activation.FromConfig);
        Class<Dropout>(SerializableFamily.Layer, "Dropout", Dropout.FromConfig);
        Class<InputLayer>(SerializableFamily.Layer, "InputLayer", InputLayerFromConfig);
        Class<Add>(SerializableFamily.Layer, "Add", Add.FromConfig);
        Class<Subtract>(SerializableFamily.Layer, "Subtract", Subtract.FromConfig);
        Class<Multiply>(SerializableFamily.Layer, "Multiply", Multiply.FromConfig);
        Class<Average>(SerializableFamily.Layer, "Average", Average.FromConfig);
        Class<Maximum>(SerializableFamily.Layer, "Maximum", Maximum.FromConfig);
        Class<Minimum>(SerializableFamily.Layer, "Minimum", Minimum.FromConfig);
        Class<Concatenate>(SerializableFamily.Layer, "Concatenate", Concatenate.FromConfig);
        Class<Dot>(SerializableFamily.Layer, "Dot", Dot.FromConfig);
        Class<ReLU>(SerializableFamily.Layer, "ReLU", ReLU.FromConfig);
        Class<LeakyReLU>(SerializableFamily.Layer, "LeakyReLU", LeakyReLU.FromConfig);
        Class<ELU>(SerializableFamily.Layer, "ELU", ELU.FromConfig);
        Class<Softmax>(SerializableFamily.Layer, "Softmax", Softmax.FromConfig);
        Class<PReLU>(SerializableFamily.Layer, "PReLU", PReLU.FromConfig);
        Class<Lambda>(SerializableFamily.Layer, "Lambda", Lambda.FromConfig);
        Class<Conv2D>(SerializableFamily.Layer, "Conv2D", Conv2D.FromConfig);
        Class<Conv1D>(SerializableFamily.Layer, "Conv1D", Conv1D.FromConfig);
        Class<DepthwiseConv2D>(SerializableFamily.Layer, "DepthwiseConv2D", DepthwiseConv2D.FromConfig);
        Class<SeparableConv2D>(SerializableFamily.Layer, "SeparableConv2D", SeparableConv2D.FromConfig);
        Class<Conv2DTranspose>(SerializableFamily.Layer, "Conv2DTranspose", Conv2DTranspose.FromConfig);
        Class<MaxPooling2D>(SerializableFamily.Layer, "MaxPooling2D", MaxPooling2D.FromConfig);
        Class<AveragePooling2D>(SerializableFamily.Layer, "AveragePooling2D", AveragePooling2D.FromConfig);
        Class<MaxPooling1D>(SerializableFamily.Layer, "MaxPooling1D", MaxPooling1D.FromConfig);
        Class<GlobalAveragePooling2D>(SerializableFamily.Layer, "GlobalAveragePooling2D", GlobalAveragePooling2D.FromConfig);
        Class<GlobalMaxPooling2D>(SerializableFamily.Layer, "GlobalMaxPooling2D", GlobalMaxPooling2D.FromConfig);
        Class<BatchNormalization>(SerializableFamily.Layer, "BatchNormalization", BatchNormalization.FromConfig);
        Class<SpatialDropout2D>(SerializableFamily.Layer, "SpatialDropout2D", SpatialDropout2D.FromConfig);
        Class<ZeroPadding2D>(SerializableFamily.Layer, "ZeroPadding2D", ZeroPadding2D.FromConfig);
        Class<Cropping2D>(SerializableFamily.Layer, "Cropping2D", Cropping2D.FromConfig);
        Class<UpSampling2D>(SerializableFamily.Layer, "UpSampling2D", UpSampling2D.FromConfig);
        Class<Rescaling>(SerializableFamily.Layer, "Rescaling", Rescaling.FromConfig);
        Class<RandomFlip>(SerializableFamily.Layer, "RandomFlip", RandomFlip.FromConfig);
        Class<RandomTranslation>(SerializableFamily.Layer, "RandomTranslation", RandomTranslation.FromConfig);
        Class<RandomRotation>(SerializableFamily.Layer, "RandomRotation", RandomRotation.FromConfig);
        Class<RandomZoom>(SerializableFamily.Layer, "RandomZoom", RandomZoom.FromConfig);

        // Models nest as layers; Keras writes Sequential under "keras" and functional models under their source module.
        Serialization.AddClass(new SerializableClass(SerializableFamily.Layer, typeof(Sequential), "Sequential", "keras", null, c => ModelConfig.FromConfig(c, "Sequential", "config")));
        Serialization.AddClass(new SerializableClass(SerializableFamily.Layer, typeof(Model), "Functional", "keras.src.models.functional", "Functional", c => ModelConfig.FromConfig(c, "Functional", "config")));
        Serialization.AddClass(new SerializableClass(SerializableFamily.Layer, typeof(Model), "Model", "keras.src.models.model", "Model", c => ModelConfig.FromConfig(c, "Functional", "config")));
    }

    private static void RegisterInitializers()
    {
        // Listed in messages, in this order; each also answers to its class name (not listed).
        (string Id, string Class, Type Type, Func<Cfg, Initializer> Create)[] all =
        [
            ("constant", "Constant", typeof(Constant), c => new Constant(C.GetFloat(c, "value", 0f))),
            ("glorot_normal", "GlorotNormal", typeof(GlorotNormal), c => new GlorotNormal(Seed(c))),
            ("glorot_uniform", "GlorotUniform", typeof(GlorotUniform), c => new GlorotUniform(Seed(c))),
            ("he_normal", "HeNormal", typeof(HeNormal), c => new HeNormal(Seed(c))),
            ("he_uniform", "HeUniform", typeof(HeUniform), c => new HeUniform(Seed(c))),
            ("lecun_normal", "LecunNormal", typeof(LecunNormal), c => new LecunNormal(Seed(c))),
            ("lecun_uniform", "LecunUniform", typeof(LecunUniform), c => new LecunUniform(Seed(c))),
            ("ones", "Ones", typeof(Ones), _ => new Ones()),
            ("random_normal", "RandomNormal", typeof(RandomNormal), c => new RandomNormal(C.GetFloat(c, "mean", 0f), C.GetFloat(c, "stddev", 0.05f), Seed(c))),
            ("random_uniform", "RandomUniform", typeof(RandomUniform), c => new RandomUniform(C.GetFloat(c, "minval", -0.05f), C.GetFloat(c, "maxval", 0.05f), Seed(c))),
            ("truncated_normal", "TruncatedNormal", typeof(TruncatedNormal), c => new TruncatedNormal(C.GetFloat(c, "mean", 0f), C.GetFloat(c, "stddev", 0.05f), Seed(c))),
            ("variance_scaling", "VarianceScaling", typeof(VarianceScaling), c => new VarianceScaling(
                C.GetFloat(c, "scale", 1f), C.GetString(c, "mode", "fan_in")!, C.GetString(c, "distribution", "truncated_normal")!, Seed(c))),
            ("zeros", "Zeros", typeof(Zeros), _ => new Zeros()),
        ];
        var empty = new Dictionary<string, object?>();
        foreach ((string id, string className, Type type, Func<Cfg, Initializer> create) in all)
        {
            Serialization.AddClass(new SerializableClass(SerializableFamily.Initializer, type, className, "keras.initializers", null, create));
            Serialization.AddIdentifier(new Identifier(SerializableFamily.Initializer, id, Listed: true, IgnoreCase: false, _ => create(empty)));
        }

        // Keras also reads snake_case class names in configs; they name the same classes.
        foreach ((string id, _, Type type, Func<Cfg, Initializer> create) in all)
        {
            Serialization.AddClass(new SerializableClass(SerializableFamily.Initializer, type, id, "keras.initializers", null, create), describesType: false);
        }

        foreach ((_, string className, _, Func<Cfg, Initializer> create) in all)
        {
            Serialization.AddIdentifier(new Identifier(SerializableFamily.Initializer, className, Listed: false, IgnoreCase: false, _ => create(empty)));
        }

        // Keras's short aliases.
        Alias(SerializableFamily.Initializer, "uniform", () => new RandomUniform());
        Alias(SerializableFamily.Initializer, "normal", () => new RandomNormal());
        Alias(SerializableFamily.Initializer, "one", () => new Ones());
        Alias(SerializableFamily.Initializer, "zero", () => new Zeros());

        static int? Seed(Cfg c) => C.GetNullableInt(c, "seed");
    }

    private static void RegisterRegularizers()
    {
        Class<L1>(SerializableFamily.Regularizer, "L1", c => new L1(C.GetFloat(c, "l1", 0.01f)));
        Class<L2>(SerializableFamily.Regularizer, "L2", c => new L2(C.GetFloat(c, "l2", 0.01f)));
        Class<L1L2>(SerializableFamily.Regularizer, "L1L2", c => new L1L2(C.GetFloat(c, "l1", 0f), C.GetFloat(c, "l2", 0f)));
        Listed(SerializableFamily.Regularizer, "l1", () => new L1(), ignoreCase: true);
        Listed(SerializableFamily.Regularizer, "l1_l2", () => new L1L2(l1: 0.01f, l2: 0.01f), ignoreCase: true);
        Listed(SerializableFamily.Regularizer, "l2", () => new L2(), ignoreCase: true);
        Serialization.AddIdentifier(new Identifier(SerializableFamily.Regularizer, "l1l2", Listed: false, IgnoreCase: true, _ => new L1L2(l1: 0.01f, l2: 0.01f)));
    }

    private static void RegisterLosses()
    {
        Class<LossMse>(SerializableFamily.Loss, "MeanSquaredError", c => new LossMse(Reduction(c), Name(c, "mean_squared_error")));
        Class<LossMae>(SerializableFamily.Loss, "MeanAbsoluteError", c => new LossMae(Reduction(c), Name(c, "mean_absolute_error")));
        Class<BinaryCrossentropy>(SerializableFamily.Loss, "BinaryCrossentropy", c => new BinaryCrossentropy(
            C.GetBool(c, "from_logits", false), C.GetFloat(c, "label_smoothing", 0f), Reduction(c), Name(c, "binary_crossentropy")));
        Class<CategoricalCrossentropy>(SerializableFamily.Loss, "CategoricalCrossentropy", c => new CategoricalCrossentropy(
            C.GetBool(c, "from_logits", false), C.GetFloat(c, "label_smoothing", 0f), Reduction(c), Name(c, "categorical_crossentropy")));
        Class<SparseCategoricalCrossentropy>(SerializableFamily.Loss, "SparseCategoricalCrossentropy", c => new SparseCategoricalCrossentropy(
            C.GetBool(c, "from_logits", false), Reduction(c), Name(c, "sparse_categorical_crossentropy")));
        Listed(SerializableFamily.Loss, "binary_crossentropy", () => new BinaryCrossentropy(), ignoreCase: true);
        Listed(SerializableFamily.Loss, "categorical_crossentropy", () => new CategoricalCrossentropy(), ignoreCase: true);
        Listed(SerializableFamily.Loss, "mae", () => new LossMae(), ignoreCase: true);
        Listed(SerializableFamily.Loss, "mean_absolute_error", () => new LossMae(), ignoreCase: true);
        Listed(SerializableFamily.Loss, "mean_squared_error", () => new LossMse(), ignoreCase: true);
        Listed(SerializableFamily.Loss, "mse", () => new LossMse(), ignoreCase: true);
        Listed(SerializableFamily.Loss, "sparse_categorical_crossentropy", () => new SparseCategoricalCrossentropy(), ignoreCase: true);

        static string Reduction(Cfg c) => C.GetString(c, "reduction", "sum_over_batch_size")!;
    }

    private static void RegisterMetrics()
    {
        Class<Accuracy>(SerializableFamily.Metric, "Accuracy", c => new Accuracy(Name(c, "accuracy")));
        Class<BinaryAccuracy>(SerializableFamily.Metric, "BinaryAccuracy", c => new BinaryAccuracy(C.GetFloat(c, "threshold", 0.5f), Name(c, "binary_accuracy")));
        Class<CategoricalAccuracy>(SerializableFamily.Metric, "CategoricalAccuracy", c => new CategoricalAccuracy(Name(c, "categorical_accuracy")));
        Class<SparseCategoricalAccuracy>(SerializableFamily.Metric, "SparseCategoricalAccuracy", c => new SparseCategoricalAccuracy(Name(c, "sparse_categorical_accuracy")));
        Class<TopKCategoricalAccuracy>(SerializableFamily.Metric, "TopKCategoricalAccuracy", c => new TopKCategoricalAccuracy(
            C.GetNullableInt(c, "k") ?? 5, Name(c, "top_k_categorical_accuracy")));
        Class<SparseTopKCategoricalAccuracy>(SerializableFamily.Metric, "SparseTopKCategoricalAccuracy", c => new SparseTopKCategoricalAccuracy(
            C.GetNullableInt(c, "k") ?? 5, Name(c, "sparse_top_k_categorical_accuracy")));
        Class<MetricMse>(SerializableFamily.Metric, "MeanSquaredError", c => new MetricMse(Name(c, "mean_squared_error")));
        Class<MetricMae>(SerializableFamily.Metric, "MeanAbsoluteError", c => new MetricMae(Name(c, "mean_absolute_error")));
        Class<RootMeanSquaredError>(SerializableFamily.Metric, "RootMeanSquaredError", c => new RootMeanSquaredError(Name(c, "root_mean_squared_error")));
        Class<Mean>(SerializableFamily.Metric, "Mean", c => new Mean(Name(c, "mean")));
        Class<Sum>(SerializableFamily.Metric, "Sum", c => new Sum(Name(c, "sum")));

        // Keras 2 wrote compiled metrics as MeanMetricWrapper around a function name ("fn": "sparse_categorical_accuracy").
        Serialization.AddClass(new SerializableClass(SerializableFamily.Metric, typeof(MeanMetricWrapper), "MeanMetricWrapper", "keras.metrics", null, c =>
        {
            string fn = C.GetString(c, "fn", null) ?? throw new ArgumentException("'fn' is required, but the config has none.");
            return Serialization.Get<Metric>(fn, C.GetString(c, "name", fn));
        }), describesType: false);

        // "accuracy" and "acc" (any case) pick the accuracy from the shapes, as Keras's compile does.
        Metric("accuracy", n => new AutoAccuracy(n), listed: true, ignoreCase: true);
        Metric("acc", n => new AutoAccuracy(n), listed: true, ignoreCase: true);
        (string Id, Func<string, Metric> Create)[] listed =
        [
            ("binary_accuracy", n => new BinaryAccuracy(name: n)),
            ("categorical_accuracy", n => new CategoricalAccuracy(n)),
            ("mae", n => new MetricMae(n)),
            ("mean", n => new Mean(n)),
            ("mean_absolute_error", n => new MetricMae(n)),
            ("mean_squared_error", n => new MetricMse(n)),
            ("mse", n => new MetricMse(n)),
            ("root_mean_squared_error", n => new RootMeanSquaredError(n)),
            ("sparse_categorical_accuracy", n => new SparseCategoricalAccuracy(n)),
            ("sparse_top_k_categorical_accuracy", n => new SparseTopKCategoricalAccuracy(name: n)),
            ("sum", n => new Sum(n)),
            ("top_k_categorical_accuracy", n => new TopKCategoricalAccuracy(name: n)),
        ];
        foreach ((string id, Func<string, Metric> create) in listed)
        {
            Metric(id, create, listed: true, ignoreCase: false);
        }

        // Class-name spellings and upper-case abbreviations Keras also accepts; not listed in messages.
        (string Alias, string Of)[] aliases =
        [
            ("BinaryAccuracy", "binary_accuracy"), ("CategoricalAccuracy", "categorical_accuracy"), ("MAE", "mae"), ("Mean", "mean"),
            ("MeanAbsoluteError", "mean_absolute_error"), ("MeanSquaredError", "mean_squared_error"), ("MSE", "mse"),
            ("RootMeanSquaredError", "root_mean_squared_error"), ("SparseCategoricalAccuracy", "sparse_categorical_accuracy"),
            ("SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy"), ("Sum", "sum"), ("TopKCategoricalAccuracy", "top_k_categorical_accuracy"),
        ];
        foreach ((string alias, string of) in aliases)
        {
            Metric(alias, listed.First(l => l.Id == of).Create, listed: false, ignoreCase: false);
        }

        static void Metric(string id, Func<string, Metric> create, bool listed, bool ignoreCase) =>
            Serialization.AddIdentifier(new Identifier(SerializableFamily.Metric, id, listed, ignoreCase, create));
    }

    private static void RegisterOptimizers()
    {
        Class<SGD>(SerializableFamily.Optimizer, "SGD", c =>
        {
            var o = OptimizerArgs.Read(c, "SGD", 0.01f);
            return new SGD(o.LearningRate, C.GetFloat(c, "momentum", 0f), C.GetBool(c, "nesterov", false), o.WeightDecay, o.Clipnorm, o.Clipvalue, o.GlobalClipnorm, o.Name);
        });
        Class<Adam>(SerializableFamily.Optimizer, "Adam", c =>
        {
            var o = OptimizerArgs.Read(c, "adam", 0.001f);
            return new Adam(o.LearningRate, C.GetFloat(c, "beta_1", 0.9f), C.GetFloat(c, "beta_2", 0.999f), C.GetFloat(c, "epsilon", 1e-7f),
                C.GetBool(c, "amsgrad", false), o.WeightDecay, o.Clipnorm, o.Clipvalue, o.GlobalClipnorm, o.Name);
        });
        Class<AdamW>(SerializableFamily.Optimizer, "AdamW", c =>
        {
            var o = OptimizerArgs.Read(c, "adamw", 0.001f);
            return new AdamW(o.LearningRate, o.WeightDecay ?? 0.004f, C.GetFloat(c, "beta_1", 0.9f), C.GetFloat(c, "beta_2", 0.999f),
                C.GetFloat(c, "epsilon", 1e-7f), C.GetBool(c, "amsgrad", false), o.Clipnorm, o.Clipvalue, o.GlobalClipnorm, o.Name);
        });
        Class<RMSprop>(SerializableFamily.Optimizer, "RMSprop", c =>
        {
            var o = OptimizerArgs.Read(c, "rmsprop", 0.001f);
            return new RMSprop(o.LearningRate, C.GetFloat(c, "rho", 0.9f), C.GetFloat(c, "momentum", 0f), C.GetFloat(c, "epsilon", 1e-7f),
                C.GetBool(c, "centered", false), o.WeightDecay, o.Clipnorm, o.Clipvalue, o.GlobalClipnorm, o.Name);
        });
        Class<Adagrad>(SerializableFamily.Optimizer, "Adagrad", c =>
        {
            var o = OptimizerArgs.Read(c, "adagrad", 0.001f);
            return new Adagrad(o.LearningRate, C.GetFloat(c, "initial_accumulator_value", 0.1f), C.GetFloat(c, "epsilon", 1e-7f),
                o.WeightDecay, o.Clipnorm, o.Clipvalue, o.GlobalClipnorm, o.Name);
        });
        Listed(SerializableFamily.Optimizer, "adagrad", () => new Adagrad(), ignoreCase: true);
        Listed(SerializableFamily.Optimizer, "adam", () => new Adam(), ignoreCase: true);
        Listed(SerializableFamily.Optimizer, "adamw", () => new AdamW(), ignoreCase: true);
        Listed(SerializableFamily.Optimizer, "rmsprop", () => new RMSprop(), ignoreCase: true);
        Listed(SerializableFamily.Optimizer, "sgd", () => new SGD(), ignoreCase: true);
    }

    private static void RegisterSchedules()
    {
        Class<ExponentialDecay>(SerializableFamily.Schedule, "ExponentialDecay", c => new ExponentialDecay(
            C.GetFloat(c, "initial_learning_rate"), C.GetLong(c, "decay_steps", 0), C.GetFloat(c, "decay_rate"),
            C.GetBool(c, "staircase", false), Name(c, "ExponentialDecay")));
        Class<CosineDecay>(SerializableFamily.Schedule, "CosineDecay", c => new CosineDecay(
            C.GetFloat(c, "initial_learning_rate"), C.GetLong(c, "decay_steps", 0), C.GetFloat(c, "alpha", 0f),
            C.GetNullableFloat(c, "warmup_target"), C.GetLong(c, "warmup_steps", 0), Name(c, "CosineDecay")));
        Class<PiecewiseConstantDecay>(SerializableFamily.Schedule, "PiecewiseConstantDecay", c => new PiecewiseConstantDecay(
            [.. (C.GetList(c, "boundaries") ?? []).Select((v, i) => C.GetLong(new Dictionary<string, object?> { [$"boundaries[{i}]"] = v }, $"boundaries[{i}]", 0))],
            [.. (C.GetList(c, "values") ?? []).Select((v, i) => C.GetFloat(new Dictionary<string, object?> { [$"values[{i}]"] = v }, $"values[{i}]"))],
            Name(c, "PiecewiseConstant")));
    }

    private static InputLayer InputLayerFromConfig(Cfg config)
    {
        int[] batchShape = C.GetIntArray(config, "batch_shape")
            ?? C.GetIntArray(config, "batch_input_shape")
            ?? throw new ArgumentException("InputLayer config needs 'batch_shape'.");
        if (batchShape.Length == 0)
        {
            throw new ArgumentException("InputLayer config: 'batch_shape' must hold at least the batch axis, but is empty.");
        }

        int? batch = batchShape[0] > 0 ? batchShape[0] : null;
        return new InputLayer(batchShape[1..], batch, C.GetString(config, "name", null));
    }

    private static string Name(Cfg c, string fallback) => C.GetString(c, "name", fallback)!;

    private static void Class<T>(SerializableFamily family, string className, Func<Cfg, T> create)
        where T : class =>
        Serialization.AddClass(new SerializableClass(family, typeof(T), className, family.Module, null, create));

    private static void Listed(SerializableFamily family, string id, Func<object> create, bool ignoreCase) =>
        Serialization.AddIdentifier(new Identifier(family, id, Listed: true, ignoreCase, _ => create()));

    private static void Alias(SerializableFamily family, string id, Func<object> create) =>
        Serialization.AddIdentifier(new Identifier(family, id, Listed: false, IgnoreCase: false, _ => create()));
}
