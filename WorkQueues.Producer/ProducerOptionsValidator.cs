using Microsoft.Extensions.Options;

namespace WorkQueues.Producer;

/// <summary>
/// Checks <see cref="ProducerOptions"/>' data annotations in generated code rather than by reflection
/// (<c>ValidateDataAnnotations</c>), so a Native AOT build validates them too.
/// </summary>
[OptionsValidator]
public sealed partial class ProducerOptionsValidator : IValidateOptions<ProducerOptions>;
