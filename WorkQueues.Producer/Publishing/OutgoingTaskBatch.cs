using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// One request's tasks (one, or a batch) as the messages that carry them, and which of them the broker has confirmed
/// so far.
/// </summary>
internal sealed class OutgoingTaskBatch
{
    private readonly IReadOnlyList<TaskText> _texts;
    private readonly bool[] _confirmed;

    public OutgoingTaskBatch(IReadOnlyList<TaskText> tasks, TaskControls controls, DateTimeOffset now)
    {
        var (exchange, routingKey) = TaskMessage.DestinationOf(controls);
        _texts = tasks;
        _confirmed = new bool[tasks.Count];
        Messages = new OutgoingMessage[tasks.Count];
        Published = new PublishedTask[tasks.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            var id = TaskMessage.NewId();
            Messages[i] = new OutgoingMessage(exchange, routingKey, TaskMessage.CreateProperties(id, now, controls), TaskText.Encode(tasks[i].Text));
            Published[i] = new PublishedTask(id, tasks[i].Dots, controls.DueAt);
        }
    }

    public int Count => Messages.Length;

    /// <summary>Every attempt at a task sends this same message, so a duplicate left by a lost confirm can be recognised.</summary>
    public OutgoingMessage[] Messages { get; }

    /// <summary>The tasks as the 202 lists them, in the request's order.</summary>
    public PublishedTask[] Published { get; }

    /// <summary>Gives every message the request's trace context.</summary>
    public void CarryTrace(MessageTraceContext? trace)
    {
        if (trace is not null)
        {
            foreach (var message in Messages)
            {
                trace.WriteTo(message.Properties);
            }
        }
    }

    public IEnumerable<(PublishedTask Task, string Text)> Tasks => Published.Select((task, i) => (task, _texts[i].Text));

    public void MarkConfirmed(int index) => _confirmed[index] = true;

    /// <summary>How many tasks are not (yet) confirmed; read once the publishes have ended.</summary>
    public int UnconfirmedCount => _confirmed.Count(confirmed => !confirmed);

    public IEnumerable<string> Unconfirmed() => Published.Where((_, i) => !_confirmed[i]).Select(task => task.Id);
}
