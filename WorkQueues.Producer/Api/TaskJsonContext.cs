using System.Text.Json.Serialization;

namespace WorkQueues.Producer.Api;

[JsonSerializable(typeof(string))]
internal sealed partial class TaskJsonContext : JsonSerializerContext;
