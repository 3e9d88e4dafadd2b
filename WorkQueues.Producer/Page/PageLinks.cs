namespace WorkQueues.Producer.Page;

/// <summary>Where the page links to: the dashboard (for traces) and the broker's management UI, when known.</summary>
public sealed record PageLinks(string? Dashboard, string? ManagementUi);
