using System.Text.Json.Serialization;

namespace WorkQueues.Producer;

[JsonSerializable(typeof(string?[]))]
internal sealed partial class TaskJsonContext : JsonSerializerContext;
