using Nabla.Saving;

namespace Nabla;

// Saving and loading: Keras 3's .keras files, .weights.h5 files, Keras 2's .h5 files, and architectures as configs
// and JSON (Keras's model.save, keras.models.load_model, save_weights, load_weights, get_config, to_json).
public partial class Model
{
    /// <summary>
    /// Saves the architecture, the weights, the compile settings and the optimizer's state to a Keras 3 <c>.keras</c>
    /// file (Keras's <c>model.save</c>): a zip of <c>config.json</c>, <c>metadata.json</c> and
    /// <c>model.weights.h5</c>, in the layout Python Keras reads.
    /// </summary>
    /// <param name="path">The file to write; it must end in <c>.keras</c>. An existing file is replaced atomically: an interrupted save leaves it whole.</param>
    /// <example>
    /// <code>
    /// model.Save("model.keras");
    /// Model again = Model.Load("model.keras");
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">The path does not end in <c>.keras</c>, or a layer, loss or metric is of a class that is neither built in nor registered.</exception>
    /// <exception cref="InvalidOperationException">The model is not built yet.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path) => ModelFile.Save(this, path);

    /// <summary>
    /// Loads a model saved by <see cref="Save"/> or by Python Keras (Keras's <c>keras.models.load_model</c>): a
    /// Keras 3 <c>.keras</c> file, or a Keras 2 (or Keras 3 legacy) full-model <c>.h5</c> file, recognised by content.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="compile">Whether to compile the model as it was saved and restore its optimizer's state (default true).</param>
    /// <returns>The model, built, with its weights.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is empty, truncated, damaged or not a model; it names a class that is not built in or registered
    /// (register it with <see cref="Serialization.Register{T}()"/>); or a weight's shape does not match the
    /// architecture. The message names the file and what is wrong; no half-loaded model is returned.
    /// </exception>
    public static Model Load(string path, bool compile = true) => ModelFile.Load(path, compile);

    /// <summary>
    /// Saves the weights and the optimizer's state to a Keras 3 weights file (Keras's <c>save_weights</c>).
    /// </summary>
    /// <param name="path">The file; its name must end in <c>.weights.h5</c>, as Keras requires. Replaced atomically.</param>
    /// <exception cref="ArgumentException">The name does not end in <c>.weights.h5</c>.</exception>
    /// <exception cref="InvalidOperationException">The model is not built yet.</exception>
    public void SaveWeights(string path) => ModelFile.SaveWeights(this, path);

    /// <summary>
    /// Loads weights (and the optimizer's state when the file has it and the model is compiled) into this model
    /// (Keras's <c>load_weights</c>): from a <c>.weights.h5</c> file, a <c>.keras</c> file, or the weights of a
    /// Keras 2 <c>.h5</c> file. All weights are checked before any is assigned.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidOperationException">The model is not built yet.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, or its weights do not fit this model; the message names the layer and both shapes.</exception>
    public void LoadWeights(string path) => ModelFile.LoadWeights(this, path);

    /// <summary>
    /// The architecture in Keras's schema (Keras's <c>get_config</c>): for a Sequential model <c>name</c>,
    /// <c>trainable</c>, <c>dtype</c>, <c>layers</c> (each <c>{"module", "class_name", "config", "registered_name"}</c>,
    /// the input layer first) and <c>build_input_shape</c>; for a functional model <c>layers</c> with
    /// <c>inbound_nodes</c>, <c>input_layers</c> and <c>output_layers</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A layer's class is neither built in nor registered.</exception>
    public override Dictionary<string, object?> GetConfig() =>
        this is Sequential || GetType() == typeof(Model) ? ModelConfig.InnerConfig(this) : base.GetConfig();

    /// <summary>Recreates an architecture, with fresh weights, from <see cref="GetConfig"/>'s output (Keras's <c>Model.from_config</c>).</summary>
    /// <param name="config">A Sequential or functional model's config.</param>
    /// <returns>A <see cref="Sequential"/> or functional <see cref="Model"/>.</returns>
    /// <exception cref="ArgumentException">The config is malformed or names an unknown class; the message gives the key path.</exception>
    public static Model FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var plain = (Dictionary<string, object?>)KerasJson.Parse(KerasJson.Write(config), "config")!;
        string className = plain.ContainsKey("input_layers") ? "Functional" : "Sequential";
        return ModelConfig.FromConfig(plain, className, "config");
    }

    /// <summary>
    /// The architecture as JSON, without weights or compile settings (Keras's <c>to_json</c>): the serialized model
    /// <c>{"module", "class_name", "config", "registered_name", "build_config"}</c>.
    /// </summary>
    /// <param name="indented">Whether to indent the JSON (default false).</param>
    /// <exception cref="ArgumentException">A layer's class is neither built in nor registered.</exception>
    public string ToJson(bool indented = false) => KerasJson.WriteString(Serialization.Serialize(this), indented);

    /// <summary>Recreates an architecture, with fresh weights, from <see cref="ToJson"/>'s output (Keras's <c>model_from_json</c>).</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="ArgumentException">The text is not JSON, or the config is malformed or names an unknown class.</exception>
    public static Model FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Dictionary<string, object?> parsed;
        try
        {
            parsed = KerasJson.ParseObject(System.Text.Encoding.UTF8.GetBytes(json), "The JSON");
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, nameof(json), e);
        }

        return ModelConfig.FromSerialized(parsed, "json", compile: false);
    }
}
