using System.Net;
using System.Net.Sockets;

namespace LlmClusters.Tests.Sources;

/// <summary>An HTTP server on a free loopback port that hands each request to <see cref="Handle"/> on its own task.</summary>
public abstract class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    // Requests can only come once the constructor has returned the port, so serving starts here.
    protected LoopbackHttpServer()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    protected abstract void Handle(HttpListenerContext context);

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            _ = Task.Run(() => Handle(context));
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        GC.SuppressFinalize(this);
    }
}
