using Microsoft.AspNetCore.Http.Metadata;

namespace WorkQueues.Producer.Api;

/// <summary>A route's own body size limit, which routing applies to the server before the handler reads the body.</summary>
internal sealed record RequestSizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

internal static class RequestSizeLimitExtensions
{
    /// <summary>Refuses a body longer than <paramref name="bytes"/> as it is read (Kestrel answers 413 past it).</summary>
    public static TBuilder WithRequestSizeLimit<TBuilder>(this TBuilder route, long bytes)
        where TBuilder : IEndpointConventionBuilder => route.WithMetadata(new RequestSizeLimit(bytes));
}
