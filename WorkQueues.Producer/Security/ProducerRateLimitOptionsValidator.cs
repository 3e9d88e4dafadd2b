using Microsoft.Extensions.Options;

namespace WorkQueues.Producer.Security;

/// <summary>
/// Checks <see cref="ProducerRateLimitOptions"/>' data annotations in generated code rather than by reflection
/// (<c>ValidateDataAnnotations</c>), so a Native AOT build validates them too.
/// </summary>
[OptionsValidator]
public sealed partial class ProducerRateLimitOptionsValidator : IValidateOptions<ProducerRateLimitOptions>;
