using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Nabla.Data;

/// <summary><see cref="Dataset.Prefetch"/>: a producer thread fills a bounded queue that the consumer drains in order.</summary>
internal sealed class PrefetchDataset : Dataset
{
    private readonly Dataset _source;
    private readonly int _bufferSize;

    public PrefetchDataset(Dataset source, int bufferSize)
        : base(source.HasLabels)
    {
        _source = source;
        _bufferSize = bufferSize;
    }

    private protected override long ComputeCardinality() => _source.Cardinality;

    private protected override IEnumerator<DatasetElement> Enumerate() => new Enumerator(_source, _bufferSize);

    /// <summary>What the producer thread shares with the consumer. It never references the consumer's enumerator,
    /// so an enumerator the consumer abandons without disposing becomes garbage and its finalizer stops the thread.</summary>
    private sealed class Channel(Dataset source, int capacity)
    {
        public readonly Dataset Source = source;
        public readonly BlockingCollection<DatasetElement> Queue = new(new ConcurrentQueue<DatasetElement>(), capacity);
        public readonly CancellationTokenSource Stop = new();
        public ExceptionDispatchInfo? Error;

        public void Produce()
        {
            try
            {
                using IEnumerator<DatasetElement> input = Source.GetEnumerator();
                while (!Stop.IsCancellationRequested && input.MoveNext())
                {
                    Queue.Add(input.Current, Stop.Token);
                }
            }
            catch (OperationCanceledException) when (Stop.IsCancellationRequested)
            {
                // The consumer went away; nothing to report.
            }
            catch (Exception ex)
            {
                // Published before CompleteAdding, so the consumer sees it after the elements produced before it.
                Error = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                Queue.CompleteAdding();
            }
        }
    }

    private sealed class Enumerator(Dataset source, int capacity) : IEnumerator<DatasetElement>
    {
        private readonly Channel _channel = new(source, capacity);
        private Thread? _producer;
        private DatasetElement _current;
        private bool _disposed;

        ~Enumerator()
        {
            // Abandoned without Dispose: release the producer, which may be blocked on a full queue.
            _channel.Stop.Cancel();
        }

        public DatasetElement Current => _current;

        object IEnumerator.Current => _current;

        public bool MoveNext()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_producer is null)
            {
                // Started on the first MoveNext, so that an enumerator that is never read costs no thread.
                Channel channel = _channel;
                _producer = new Thread(() => channel.Produce()) { IsBackground = true, Name = "Nabla.Data.Prefetch" };
                _producer.Start();
            }

            if (_channel.Queue.TryTake(out _current, Timeout.Infinite))
            {
                return true;
            }

            _channel.Error?.Throw();
            return false;
        }

        public void Reset() => throw new NotSupportedException("A dataset enumeration cannot be reset; enumerate the dataset again.");

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            GC.SuppressFinalize(this);
            _channel.Stop.Cancel();

            // Wait for the producer so that it has disposed its own input (and any prefetchers nested below) before
            // this returns.
            _producer?.Join();
            _channel.Stop.Dispose();
            _channel.Queue.Dispose();
        }
    }
}
