// Celsius to Fahrenheit with one neuron: the first TensorFlow tutorial, in C#.
// Run: dotnet run -c Release --project samples/Celsius -- [--epochs 500]
using Nabla;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Samples;

var options = SampleOptions.Parse(args, defaultEpochs: 500);

var celsius = Tensor.FromArray([-40f, -10f, 0f, 8f, 15f, 22f, 38f], 7, 1);
var fahrenheit = Tensor.FromArray([-40f, 14f, 32f, 46f, 59f, 72f, 100f], 7, 1);

var layer = new Dense(units: 1, inputShape: [1]);
var model = new Sequential([layer]);
model.Compile(loss: "mean_squared_error", optimizer: new Adam(0.1f));

History history = model.Fit(celsius, fahrenheit, epochs: options.Epochs, verbose: 0);
Console.WriteLine($"Finished training: final loss {history["loss"][^1]:F4} after {options.Epochs} epochs.");

float prediction = model.Predict(Tensor.FromArray([100f], 1, 1), verbose: 0).Item();
Console.WriteLine($"100 °C is {prediction:F2} °F (exact: 212 °F).");
Console.WriteLine($"Layer variables: weight {layer.Kernel!.Value.Item():F4} (exact: 1.8), bias {layer.Bias!.Value.Item():F4} (exact: 32).");
