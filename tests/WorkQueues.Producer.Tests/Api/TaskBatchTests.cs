using System.Text;
using WorkQueues.Producer.Api;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Tests.Api;

public class TaskBatchTests
{
    /// <summary>A JSON array of <paramref name="count"/> tasks, generated as it is read, that counts what was read.</summary>
    private sealed class GeneratedBatch(int count) : Stream
    {
        private readonly byte[] _item = Encoding.UTF8.GetBytes("\"" + new string('x', 100) + "\",");
        private int _written = -1;
        private int _offset;

        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int length)
        {
            var n = 0;
            while (n < length)
            {
                ReadOnlySpan<byte> current = _written < 0 ? "["u8 : _written < count ? _item.AsSpan(0, _written == count - 1 ? _item.Length - 1 : _item.Length) : _written == count ? "]"u8 : [];
                if (current.IsEmpty)
                {
                    break;
                }

                var take = Math.Min(current.Length - _offset, length - n);
                current.Slice(_offset, take).CopyTo(buffer.AsSpan(offset + n));
                n += take;
                _offset += take;
                if (_offset == current.Length)
                {
                    _written++;
                    _offset = 0;
                }
            }

            BytesRead += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_batch_within_the_limit_is_read_whole()
    {
        var batch = await TaskBatch.ReadAsync(new GeneratedBatch(50), maxCount: 50, new TaskOptions(), CancellationToken.None);

        Assert.Null(batch.Refusal);
        Assert.Equal(50, batch.Tasks.Count);
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_refused_having_read_little_more_than_the_limit()
    {
        var body = new GeneratedBatch(100_000);

        var batch = await TaskBatch.ReadAsync(body, maxCount: 100, new TaskOptions(), CancellationToken.None);

        Assert.Contains("more than 100 tasks", batch.Refusal);
        Assert.Empty(batch.Tasks);
        // 101 tasks of 103 bytes, plus at most a read buffer or two: not the 10 MB of the whole body.
        Assert.True(body.BytesRead < 200_000, $"read {body.BytesRead} bytes");
    }

    [Theory]
    [InlineData("[]", "empty")]
    [InlineData("{\"a\":1}", "not a JSON array")]
    [InlineData("[\"a\",1]", "not a JSON array")]
    public async Task Malformed_batches_are_refused_saying_why(string json, string reason)
    {
        var batch = await TaskBatch.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), 10, new TaskOptions(), CancellationToken.None);

        Assert.Contains(reason, batch.Refusal);
    }
}
