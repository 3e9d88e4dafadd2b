using Microsoft.Extensions.Options;

namespace WorkQueues.Tasks;

/// <summary>
/// Checks <see cref="TaskOptions"/>' data annotations in generated code rather than by reflection
/// (<c>ValidateDataAnnotations</c>), so a Native AOT build validates them too.
/// </summary>
[OptionsValidator]
public sealed partial class TaskOptionsValidator : IValidateOptions<TaskOptions>;
