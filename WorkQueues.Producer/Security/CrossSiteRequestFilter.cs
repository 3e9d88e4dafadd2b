namespace WorkQueues.Producer.Security;

/// <summary>
/// Refuses a state-changing request that a browser sent from another site: any web page may fire a "simple"
/// cross-site POST (text/plain needs no CORS preflight) at a Producer on localhost. Browsers say where a request comes
/// from in <c>Sec-Fetch-Site</c> and <c>Origin</c>; clients that are not browsers (curl, services) send neither.
/// </summary>
public sealed class CrossSiteRequestFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        // "same-site" too: another port on localhost is the same site but not this page.
        var foreignFetch = site is "cross-site" or "same-site";
        var foreignOrigin = request.Headers.Origin.ToString() is { Length: > 0 } origin && !IsSameOrigin(origin, request);
        if (foreignFetch || foreignOrigin)
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                "This route changes state and accepts requests from this Producer's own page or from clients that are not browsers, not from other sites.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Cross-site request refused"));
        }

        return next(context);
    }

    // The host alone, not the scheme: behind a proxy that ends TLS, the page is https while this request is http.
    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == request.Host.Port));
}

public static class CrossSiteRequestFilterExtensions
{
    /// <summary>Refuses the routes' requests that a browser sent from another site (<see cref="CrossSiteRequestFilter"/>).</summary>
    public static TBuilder RefuseCrossSiteRequests<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter(new CrossSiteRequestFilter());
}
