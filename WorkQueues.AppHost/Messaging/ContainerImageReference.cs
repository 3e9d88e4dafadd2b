using System.Text.RegularExpressions;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// An image named in full, as <c>Messaging:ContainerImage</c> gives it: <c>[registry/]image[:tag][@sha256:digest]</c>,
/// read the way Docker and Podman read it. The first part before a <c>/</c> is the registry only when it looks like a
/// host (has a dot or a port, or is <c>localhost</c>); otherwise it belongs to the image (<c>myorg/rabbitmq</c>).
/// </summary>
public sealed partial record ContainerImageReference(string? Registry, string Image, string? Tag, string? Sha256)
{
    public static ContainerImageReference Parse(string reference)
    {
        var match = Grammar().Match(reference);
        if (!match.Success)
        {
            throw NotAReference(reference);
        }

        var name = match.Groups["name"].Value;
        string? registry = null;
        var slash = name.IndexOf('/');
        if (slash > 0 && LooksLikeHost(name[..slash]))
        {
            registry = name[..slash];
            name = name[(slash + 1)..];
        }
        else if (name.Any(char.IsUpper))
        {
            // Upper case is allowed in a registry's host name only.
            throw NotAReference(reference);
        }

        var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
        var sha256 = match.Groups["sha256"].Success ? match.Groups["sha256"].Value : null;
        // An image named by neither tag nor digest is the runtime's 'latest', spelled out.
        return new ContainerImageReference(registry, name, tag ?? (sha256 is null ? "latest" : null), sha256);
    }

    private static FormatException NotAReference(string reference) => new(
        $"Messaging:ContainerImage '{reference}' is not an image reference such as 'localhost/rabbitmq-local:3.10' " +
        "or 'mirror.example.com:5000/library/rabbitmq:4.1-management' (registry/image:tag, image in lower case).");

    private static bool LooksLikeHost(string part) => part.Contains('.') || part.Contains(':') || part == "localhost";

    public override string ToString() =>
        (Registry is null ? "" : Registry + "/") + Image + (Tag is null ? "" : ":" + Tag) + (Sha256 is null ? "" : "@sha256:" + Sha256);

    // Path components of lower-case letters, digits and separators; an optional host[:port] first; then tag and digest.
    [GeneratedRegex(
        @"^(?<name>(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)" +
        @"(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:(?<sha256>[a-f0-9]{64}))?$")]
    private static partial Regex Grammar();
}
