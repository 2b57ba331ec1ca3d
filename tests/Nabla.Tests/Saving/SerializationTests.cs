using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Saving;
using Nabla.Tests.Support;

namespace Nabla.Tests.Saving;

public class SerializationTests
{
    [Fact]
    public void A_registered_custom_layer_round_trips_through_a_keras_file()
    {
        Serialization.Register<ScaleLayer>();
        using var dir = new TempFolder();
        var model = new Sequential([new Dense(3, inputShape: [2], kernelInitializer: new GlorotUniform(4)), new ScaleLayer(2.5f)]);
        model.Save(dir.File("custom.keras"));

        Model again = Model.Load(dir.File("custom.keras"));
        var scale = Assert.IsType<ScaleLayer>(again.Layers[1]);
        Assert.Equal(2.5f, scale.Factor);
        Tensor x = SavingFixtures.X([4, 2], 3);
        AssertEx.Close(model.Predict(x, verbose: 0), again.Predict(x, verbose: 0), atol: 0, rtol: 0);
        Dictionary<string, object?> serialized = Serialization.Serialize(scale);
        Assert.Equal(("ScaleLayer", "tests>ScaleLayer", "Nabla.Tests.Saving"),
            ((string?)serialized["class_name"], (string?)serialized["registered_name"], (string?)serialized["module"]));
    }

    [Fact]
    public void A_custom_loss_metric_and_activation_round_trip_by_registration()
    {
        Serialization.Register(c => new HalfSquaredError((string?)c["name"] ?? "half_squared_error"));
        Serialization.Register(c => new CountMetric((string?)c["name"] ?? "count"), package: "tests");
        var cube = new ActivationFunction("cube_for_saving", x => Ops.Multiply(Ops.Multiply(x, x), x));
        Serialization.RegisterActivation(cube);
        using var dir = new TempFolder();
        var model = new Sequential([new Dense(2, activation: cube, inputShape: [3], kernelInitializer: new GlorotUniform(8))]);
        model.Compile(optimizer: "sgd", loss: new HalfSquaredError(), metrics: [new CountMetric()]);
        model.Save(dir.File("c.keras"));

        Model again = Model.Load(dir.File("c.keras"));
        Assert.IsType<HalfSquaredError>(again.Loss);
        Assert.IsType<CountMetric>(again.Metrics[1]);
        Assert.Same(cube, ((Dense)again.Layers[0]).Activation);
        Assert.Same(cube, ActivationFunction.Get("cube_for_saving"));
        AssertEx.Throws<ArgumentException>(() => Serialization.RegisterActivation(new ActivationFunction("relu", x => x)), "'relu' is a built-in activation");
    }

    [Fact]
    public void An_unknown_class_names_itself_the_key_path_and_how_to_register_it()
    {
        const string json = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}},
              {"module": "my_pkg", "class_name": "Densse", "config": {"units": 3}, "registered_name": "my_pkg>Densse"}]}}
            """;
        AssertEx.Throws<ArgumentException>(() => Model.FromJson(json),
            "json.config.layers[1]: Unknown layer class 'Densse' (registered as 'my_pkg>Densse').", "Did you mean 'Dense'?",
            "register it before loading: Serialization.Register<Densse>(config => ...)", "IKerasSerializable<Densse>");
    }

    [Fact]
    public void Config_types_are_checked_with_the_key_path()
    {
        const string json = """
            {"class_name": "Sequential", "config": {"layers": [
              {"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}},
              {"class_name": "Dense", "config": {"units": "ten"}}]}}
            """;
        AssertEx.Throws<ArgumentException>(() => Model.FromJson(json), "json.config.layers[1].config: Dense config: 'units' must be an integer, but received ten (String).");
        AssertEx.Throws<ArgumentException>(() => Model.FromJson(json.Replace("\"units\": \"ten\"", "\"units\": 3, \"kernel_constraint\": {\"class_name\": \"MaxNorm\"}", StringComparison.Ordinal)),
            "'kernel_constraint' is", "Nabla's Dense has no weight constraints");
        AssertEx.Throws<ArgumentException>(() => Model.FromJson(json.Replace("\"units\": \"ten\"", "\"units\": 3, \"lora_rank\": 4", StringComparison.Ordinal)),
            "json.config.layers[1].config.lora_rank: Nabla's Dense has no option 'lora_rank', and the file sets it to 4");
        AssertEx.Throws<ArgumentException>(() => Model.FromJson(json.Replace("\"units\": \"ten\"", "\"units\": 3, \"dtype\": \"mixed_float16\"", StringComparison.Ordinal)),
            "json.config.layers[1].config.dtype: Nabla computes in float32, but the file asks for dtype 'mixed_float16'.");

        // Extra keys at Keras's defaults are fine.
        Model ok = Model.FromJson(json.Replace("\"units\": \"ten\"", "\"units\": 3, \"lora_rank\": null, \"activity_regularizer\": null, \"quantization_config\": null", StringComparison.Ordinal));
        Assert.Equal(3, ((Dense)ok.Layers[0]).Units);
    }

    [Fact]
    public void Every_builtin_serializes_to_keras_form_and_back()
    {
        object[] objects =
        [
            new Adam(learningRate: 0.01f, amsgrad: true), new SGD(momentum: 0.5f, nesterov: true), new RMSprop(centered: true), new Adagrad(), new AdamW(weightDecay: 0.01f),
            new SGD(learningRate: new ExponentialDecay(0.1f, 100, 0.5f)), new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1f),
            new Nabla.Losses.MeanSquaredError(), new SparseTopKCategoricalAccuracy(k: 3), new BinaryAccuracy(threshold: 0.3f), new HeNormal(seed: 3),
            new VarianceScaling(2f, "fan_out", "uniform", seed: 1), new Nabla.Regularizers.L1L2(0.1f, 0.2f),
        ];
        foreach (object o in objects)
        {
            Dictionary<string, object?> serialized = Serialization.Serialize(o);
            Assert.StartsWith("keras.", (string)serialized["module"]!);
            Dictionary<string, object?> read = Reparse(serialized);
            object back = o switch
            {
                Optimizer => Serialization.Deserialize<Optimizer>(read),
                Loss => Serialization.Deserialize<Loss>(read),
                Metric => Serialization.Deserialize<Metric>(read),
                Initializer => Serialization.Deserialize<Initializer>(read),
                _ => Serialization.Deserialize<Nabla.Regularizers.Regularizer>(read),
            };
            Assert.Equal(o.GetType(), back.GetType());
            Assert.Equal(KerasJson.WriteString(serialized), KerasJson.WriteString(Serialization.Serialize(back)));
        }
    }

    [Fact]
    public void Unknown_identifiers_keep_their_messages_through_the_registry()
    {
        AssertEx.Throws<ArgumentException>(() => Optimizer.Get("adm"), "Unknown optimizer 'adm'. Known: adagrad, adam, adamw, rmsprop, sgd. Did you mean 'adam'?");
        AssertEx.Throws<ArgumentException>(() => Loss.Get("mean_sqared_error"), "Did you mean 'mean_squared_error'?");
        AssertEx.Throws<ArgumentException>(() => Serialization.Deserialize<Optimizer>("nadam"), "Unknown optimizer 'nadam'");
        Assert.IsType<AutoAccuracy>(Serialization.Deserialize<Metric>("ACC"));
        Assert.IsType<Adam>(Serialization.Deserialize<Optimizer>("Adam"));
        AssertEx.Throws<ArgumentException>(() => Serialization.Register<System.Text.StringBuilder>(c => new System.Text.StringBuilder()), "System.Text.StringBuilder cannot be serialized");
    }

    // A JSON round trip, so that values arrive as a file gives them (long, double, List).
    private static Dictionary<string, object?> Reparse(Dictionary<string, object?> d) => KerasJson.ParseObject(KerasJson.Write(d), "test");

    [KerasSerializable("tests")]
    private sealed class ScaleLayer(float factor, string? name = null) : Layer(name), IKerasSerializable<ScaleLayer>
    {
        public float Factor { get; } = factor;

        public static ScaleLayer FromConfig(IReadOnlyDictionary<string, object?> config) =>
            new((float)(double)config["factor"]!, (string?)config["name"]);

        public override Dictionary<string, object?> GetConfig()
        {
            Dictionary<string, object?> config = base.GetConfig();
            config["factor"] = Factor;
            return config;
        }

        public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

        protected override Tensor Call(Tensor inputs, bool training) => Ops.Multiply(inputs, Factor);
    }

    private sealed class HalfSquaredError(string name = "half_squared_error") : Loss(name)
    {
        protected override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
        {
            Tensor d = Ops.Subtract(yPred, yTrue);
            return Ops.Mean(Ops.Multiply(Ops.Multiply(d, d), 0.5f), axis: -1);
        }
    }

    private sealed class CountMetric(string name = "count") : Metric(name)
    {
        private double _count;

        public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => _count += yTrue.Shape[0];

        public override double Result() => _count;

        public override void ResetState() => _count = 0;
    }
}
