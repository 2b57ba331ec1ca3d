using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nabla.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a port the system picks) serving files from memory, for download tests
/// that must never reach an outside address. Unknown paths get 404; every request is recorded.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalHttpServer()
    {
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _loop = Task.Run(AcceptLoop);
    }

    /// <summary>The server's URL, ending in '/'.</summary>
    public string BaseUrl { get; }

    /// <summary>The paths requested so far (without the leading '/'), in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Serves <paramref name="content"/> at <c>BaseUrl + name</c>.</summary>
    public void Serve(string name, byte[] content) => _files[name] = content;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using (client)
        {
            NetworkStream stream = client.GetStream();
            string request = await ReadHeaders(stream);
            string[] first = request.Split("\r\n")[0].Split(' ');
            string path = first.Length > 1 ? first[1].TrimStart('/') : string.Empty;
            Requests.Enqueue(path);
            byte[] body = _files.TryGetValue(path, out byte[]? content) ? content : Encoding.ASCII.GetBytes("not found");
            string status = content is null ? "404 Not Found" : "200 OK";
            string head = $"HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(body);
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The client went away.
            }
        }
    }

    private static async Task<string> ReadHeaders(NetworkStream stream)
    {
        var received = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(received) && await stream.ReadAsync(one) == 1)
        {
            received.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. received]);
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';
}
