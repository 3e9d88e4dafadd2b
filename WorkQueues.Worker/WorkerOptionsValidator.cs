using Microsoft.Extensions.Options;

namespace WorkQueues.Worker;

/// <summary>
/// Checks <see cref="WorkerOptions"/>' data annotations in generated code rather than by reflection
/// (<c>ValidateDataAnnotations</c>), so a Native AOT build validates them too.
/// </summary>
[OptionsValidator]
public sealed partial class WorkerOptionsValidator : IValidateOptions<WorkerOptions>;
