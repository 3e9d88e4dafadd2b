using Microsoft.Net.Http.Headers;

namespace WorkQueues.Producer.Security;

/// <summary>Where a caller's credentials travel: a header, or, on the event stream alone, the query string.</summary>
public static class ProducerCredentials
{
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The query parameters that carry a key or token where a browser cannot set a header (EventSource).</summary>
    public const string ApiKeyQuery = "api_key";
    public const string AccessTokenQuery = "access_token";

    /// <summary>
    /// Marks the one route that takes credentials in its query string: the event stream, which a browser opens with
    /// EventSource and so cannot give a header. Everywhere else a key in a URL would end up in logs and histories.
    /// </summary>
    public sealed class AcceptedInQuery;

    public static RouteHandlerBuilder AcceptCredentialsInQuery(this RouteHandlerBuilder route) => route.WithMetadata(new AcceptedInQuery());

    /// <summary>The value of <paramref name="header"/>, or of <paramref name="query"/> on a route that accepts it there.</summary>
    public static string? Find(HttpContext context, string header, string query)
    {
        if (context.Request.Headers[header].ToString() is { Length: > 0 } value)
        {
            return value;
        }

        return FromQuery(context, query);
    }

    /// <summary>The value of <paramref name="query"/>, on the route that accepts credentials there; null elsewhere.</summary>
    public static string? FromQuery(HttpContext context, string query) =>
        context.GetEndpoint()?.Metadata.GetMetadata<AcceptedInQuery>() is not null
        && context.Request.Query[query].ToString() is { Length: > 0 } value
            ? value
            : null;

    /// <summary>Whether the request carries any credentials at all, good or bad.</summary>
    public static bool ArePresented(HttpContext context) =>
        context.Request.Headers.ContainsKey(ApiKeyHeader)
        || context.Request.Headers.ContainsKey(HeaderNames.Authorization)
        || context.Request.Query.ContainsKey(ApiKeyQuery)
        || context.Request.Query.ContainsKey(AccessTokenQuery);
}
