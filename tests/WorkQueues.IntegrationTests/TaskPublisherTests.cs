using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using WorkQueues.Producer;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// The Producer's publisher against a real broker, for what the API tests cannot set up: a batch larger than the
/// publishes allowed in flight (sent in parts), a batch the broker refuses whole (no part sent after the refused one,
/// as the broker's firehose shows), and one across a connection the broker closes (one pause for the whole batch, in
/// order). It publishes to task_queue, which it declares and these tests delete afterwards; the collection's tests run
/// one at a time.
/// </summary>
[Collection(StandaloneBrokerCollection.Name)]
[Trait(TestLane.Trait, TestLane.Second)]
public sealed class TaskPublisherTests(StandaloneBroker broker) : IAsyncLifetime
{
    /// <summary>The publisher's publishes in flight, and so the size of a batch's parts.</summary>
    private const int PublishesInFlight = 7;

    private readonly RecordingObserver _observer = new();
    private IConnection _connection = null!;
    private IChannel _admin = null!;
    private TaskPublisher _publisher = null!;

    public async Task InitializeAsync()
    {
        _connection = await broker.ConnectAsync();
        _admin = await _connection.CreateChannelAsync();
        await _admin.QueueDeleteAsync(TaskQueueTopology.QueueName);
        _publisher = Publisher(_connection, PublishesInFlight);
    }

    [Fact]
    public async Task A_batch_larger_than_the_publishes_in_flight_is_sent_in_parts_and_every_task_is_queued_in_order()
    {
        var tasks = Enumerable.Range(0, 50).Select(i => Task($"task {i}" + new string('.', i % 3))).ToList();

        var published = await _publisher.PublishManyAsync(tasks, TaskControls.None, CancellationToken.None);

        Assert.Equal(tasks.Select(task => task.Dots), published.Select(task => task.Dots));
        Assert.Equal(50, published.Select(task => task.Id).Distinct().Count());
        Assert.Equal(published.Select(task => task.Id), _observer.Publishing);
        Assert.Empty(_observer.NotConfirmed);
        var queued = new List<string>();
        while (await _admin.BasicGetAsync(TaskQueueTopology.QueueName, autoAck: true) is { } message)
        {
            queued.Add(message.BasicProperties.MessageId!);
        }

        Assert.Equal(published.Select(task => task.Id), queued);
    }

    [Fact]
    public async Task A_batch_the_broker_returns_fails_saying_how_many_none_of_its_tasks_counts_as_accepted_and_no_part_follows_the_returned_one()
    {
        await _publisher.PublishAsync(Task("declares the queue"), TaskControls.None, CancellationToken.None);
        // The publisher's channel stays open; with task_queue gone, the broker returns every task it is sent.
        await _admin.QueueDeleteAsync(TaskQueueTopology.QueueName);
        using var management = broker.Management();
        await using var firehose = await PublishFirehose.StartAsync(management, _admin);
        var tasks = Enumerable.Range(0, 20).Select(i => Task($"returned {i}")).ToList();

        var failure = await Assert.ThrowsAsync<TaskPublishException>(
            () => _publisher.PublishManyAsync(tasks, TaskControls.None, CancellationToken.None));

        Assert.False(failure.IsTransient);
        Assert.StartsWith("20 of 20 tasks were not confirmed by the broker (The broker returned the task", failure.Message);
        Assert.Equal(_observer.Publishing.Skip(1), _observer.NotConfirmed);
        // Sent in parts as large as the publishes in flight: the first was returned, and no later part was sent.
        await Eventually.HoldsAsync(async () => await firehose.CountAsync() >= PublishesInFlight, TimeSpan.FromSeconds(10), "the first part's copies");
        for (var hold = Stopwatch.StartNew(); hold.Elapsed < TimeSpan.FromSeconds(1); await System.Threading.Tasks.Task.Delay(100))
        {
            Assert.Equal((uint)PublishesInFlight, await firehose.CountAsync());
        }

        Assert.Equal(tasks.Take(PublishesInFlight).Select(task => task.Text), await firehose.TakeAllAsync());
    }

    [Fact]
    public async Task Across_a_connection_the_broker_closes_mid_batch_the_batch_pauses_and_every_task_is_queued_in_order()
    {
        var clientName = $"publisher-{Guid.NewGuid():N}";
        await using var connection = await broker.ConnectRecoveringAsync(clientName);
        using var management = broker.Management();
        var brokerName = await Eventually.ReturnsAsync(() => management.FindConnectionAsync(clientName), name => name is not null, TimeSpan.FromSeconds(30), "the connection listed");
        var logger = new FakeLogger<TaskPublisher>();
        await using var publisher = Publisher(connection, maxPublishesInFlight: 64, logger);
        await _admin.DeclareTaskQueueAsync(); // as the publisher does, so its depth can be read from the start
        var tasks = Enumerable.Range(0, 30_000).Select(i => Task($"task {i}")).ToList();

        var batch = publisher.PublishManyAsync(tasks, TaskControls.None, CancellationToken.None);
        await Eventually.ReturnsAsync(async () => (await _admin.QueueDeclarePassiveAsync(TaskQueueTopology.QueueName)).MessageCount, count => count >= 500, TimeSpan.FromSeconds(30), "the batch's first tasks queued");
        await management.CloseConnectionAsync(brokerName!);
        Assert.False(batch.IsCompleted, "the batch was over before the connection closed");
        var published = await batch;

        // Confirmed is queued: each task at least once (a retried task whose first confirm was lost may be there twice).
        Assert.Equal(30_000, published.Select(task => task.Id).Distinct().Count());
        Assert.Empty(_observer.NotConfirmed);
        var queued = new List<string>();
        while (await _admin.BasicGetAsync(TaskQueueTopology.QueueName, autoAck: true) is { } message)
        {
            queued.Add(message.BasicProperties.MessageId!);
        }

        // The failed part is sent again before the rest: in the request's order, once duplicates are set aside.
        Assert.Equal(published.Select(task => task.Id), queued.Distinct());
        // The batch waited out the outage as one, with a warning per attempt: not one per task, nor per part of the rest.
        var warnings = logger.Collector.GetSnapshot().Count(record => record.Level == LogLevel.Warning);
        Assert.InRange(warnings, 1, 20);
    }

    public async Task DisposeAsync()
    {
        await _publisher.DisposeAsync();
        await _admin.QueueDeleteAsync(TaskQueueTopology.QueueName);
        await _admin.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static TaskText Task(string text) => new(text, TaskText.CountDots(text));

    private TaskPublisher Publisher(IConnection connection, int maxPublishesInFlight, ILogger<TaskPublisher>? logger = null) => new(
        connection,
        Options.Create(new ProducerOptions { MaxPublishesInFlight = maxPublishesInFlight, PublishTimeout = TimeSpan.FromSeconds(60) }),
        Options.Create(new TaskOptions()),
        new ProducerMetrics(),
        new TaskAnnouncer(connection, TimeProvider.System, NullLogger<TaskAnnouncer>.Instance),
        [_observer],
        TimeProvider.System,
        logger ?? NullLogger<TaskPublisher>.Instance);

    private sealed class RecordingObserver : ITaskPublishObserver
    {
        private readonly ConcurrentQueue<string> _publishing = new();
        private readonly ConcurrentQueue<string> _notConfirmed = new();

        public IEnumerable<string> Publishing => _publishing;

        public IEnumerable<string> NotConfirmed => _notConfirmed;

        void ITaskPublishObserver.Publishing(PublishedTask task, string text, string? traceId) => _publishing.Enqueue(task.Id);

        void ITaskPublishObserver.NotConfirmed(string id) => _notConfirmed.Enqueue(id);
    }
}
