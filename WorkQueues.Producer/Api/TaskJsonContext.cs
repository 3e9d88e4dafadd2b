using System.Text.Json;
using System.Text.Json.Serialization;
using WorkQueues.Producer.Page;
using WorkQueues.Producer.Publishing;
using WorkQueues.Producer.Status;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Api;

/// <summary>
/// Every type the Producer reads or writes as JSON, serialized by generated code: a Native AOT build has no
/// reflection-based serializer, and reflection-based JSON is off in every build (Service.props), so <c>dotnet run</c>
/// and the tests fail as a published service would on a type missing here. Registered for the HTTP API in
/// <see cref="TaskPublishingExtensions"/>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(PublishedTask))]
[JsonSerializable(typeof(IReadOnlyList<PublishedTask>))]
[JsonSerializable(typeof(TrackedTask))]
[JsonSerializable(typeof(IReadOnlyList<TrackedTask>))]
[JsonSerializable(typeof(TaskState))]
[JsonSerializable(typeof(QueueDepth))]
[JsonSerializable(typeof(CancelRecorded))]
[JsonSerializable(typeof(DeadLetterPage))]
[JsonSerializable(typeof(RequeuedDeadLetters))]
[JsonSerializable(typeof(PageLinks))]
internal sealed partial class TaskJsonContext : JsonSerializerContext;
