// Regression of y = sin(x) with a deep MLP (API.md section 1), then a plot of model vs truth.
// Run: dotnet run -c Release --project samples/Sine -- [--epochs 300] [--out DIR]
using Nabla;
using Nabla.Layers;
using Nabla.Plotting;
using Nabla.Samples;

var options = SampleOptions.Parse(args, defaultEpochs: 300);

var x = Tensor.Arange(0f, 20f, 0.1f).Reshape(-1, 1);   // 200 x 1
var y = x.Sin();

var model = new Sequential();
model.Add(new Dense(256, activation: "relu", inputShape: [1]));
for (int i = 0; i < 6; i++)
{
    model.Add(new Dense(256, activation: "relu"));
}

model.Add(new Dense(1));
model.Compile(loss: "mse", optimizer: "adam");

History hist = model.Fit(x, y, stepsPerEpoch: 10, epochs: options.Epochs, verbose: 2);  // ceil(200/10) = 20 a step, as Keras

var testX = x + 0.05f;
Tensor predY = model.Predict(testX, verbose: 0);
float mse = (predY - testX.Sin()).Square().Mean().Item();
Console.WriteLine($"test MSE on x + 0.05: {mse:F5}");

string path = options.File("sine.png");
Plot.Lines(path, testX, ("sin(x)", testX.Sin()), ("model", predY));
Console.WriteLine($"wrote {path}");
