using System.Text;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// The local broker's folder, kept across AppHost runs like a container's data volume: its database, logs,
/// configuration and identity (node name in <c>node.env</c>, Erlang cookie in <c>.erlang.cookie</c>, being its
/// <c>HOME</c>), so a restarted node finds its own database. One per AMQP port, which no two brokers on a machine share.
/// Created 0700 and used only while owned by the current user; its data is deleted only when asked, and only in a
/// folder this code created.
/// </summary>
public sealed class LocalRabbitMQDataFolder
{
    private const string CreatedMarkerName = ".created-by-workqueues";

    private LocalRabbitMQDataFolder(string path, string nodeName) => (Path, NodeName) = (path, nodeName);

    public string Path { get; }

    public string NodeName { get; }

    public string MnesiaBase => System.IO.Path.Combine(Path, "mnesia");

    public string LogBase => System.IO.Path.Combine(Path, "log");

    public string ConfigFile => System.IO.Path.Combine(Path, "rabbitmq.conf");

    public string EnabledPluginsFile => System.IO.Path.Combine(Path, "enabled_plugins");

    public string EnvironmentFile => System.IO.Path.Combine(Path, "rabbitmq-env.conf");

    public string AdvancedConfigFile => System.IO.Path.Combine(Path, "advanced.config");

    public string PidFile => System.IO.Path.Combine(Path, "rabbitmq.pid");

    /// <summary>How to reach the node (<see cref="NodeEnvironment"/>), for <c>./rabbitmqctl</c>: one KEY=value a line.</summary>
    public string NodeFile => System.IO.Path.Combine(Path, "node.env");

    /// <summary>Held by the AppHost that runs this folder's broker, for as long as it runs.</summary>
    public string LockFile => System.IO.Path.Combine(Path, "apphost.lock");

    private string CreatedMarker => System.IO.Path.Combine(Path, CreatedMarkerName);

    public static string PathFor(string dataRoot, int amqpPort) =>
        System.IO.Path.Combine(System.IO.Path.GetFullPath(dataRoot), $"rabbitmq-{amqpPort}");

    /// <summary>The folder of the broker on <paramref name="amqpPort"/>, created when missing, refused when not the caller's.</summary>
    public static LocalRabbitMQDataFolder Open(string dataRoot, int amqpPort) =>
        Open(PathFor(dataRoot, amqpPort), $"workqueues-{amqpPort}@localhost");

    /// <summary>
    /// Node <paramref name="index"/> of the cluster whose first node takes <paramref name="basePort"/>: a folder and a
    /// node name of its own, apart from the single broker's, so a single node's data never joins a cluster by surprise.
    /// </summary>
    public static LocalRabbitMQDataFolder OpenClusterNode(string dataRoot, int basePort, int index) =>
        Open($"{PathFor(dataRoot, basePort)}-node{index}", $"workqueues-{basePort}-{index}@localhost");

    private static LocalRabbitMQDataFolder Open(string path, string nodeName)
    {
        PrivateFolder.EnsureUsable(path, CreatedMarkerName);
        return new LocalRabbitMQDataFolder(path, ReadNodeName(path) ?? nodeName);
    }

    /// <summary>Whether the node has a database yet: false before its first start and after "Delete broker data".</summary>
    public bool HasDatabase => Directory.Exists(MnesiaBase) && Directory.EnumerateFileSystemEntries(MnesiaBase).Any();

    /// <summary>The Erlang cookie, in the node's <c>HOME</c>; the nodes of a cluster must share it.</summary>
    public string CookieFile => System.IO.Path.Combine(Path, ".erlang.cookie");

    /// <summary>The cookie the node has, or null before its first start.</summary>
    public string? ReadCookie() => File.Exists(CookieFile) ? File.ReadAllText(CookieFile).Trim() : null;

    /// <summary>Gives the node <paramref name="cookie"/>, readable by its owner only, as Erlang insists.</summary>
    public async Task WriteCookieAsync(string cookie, CancellationToken cancellationToken)
    {
        if (ReadCookie() != cookie)
        {
            await PrivateFolder.WriteOwnerOnlyAsync(CookieFile, cookie, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(CookieFile, UnixFileMode.UserRead);
            }
        }
    }

    /// <summary>Creates the folder again after its data was deleted, and checks it is still the caller's.</summary>
    public void EnsureCreated() => PrivateFolder.EnsureUsable(Path, CreatedMarkerName);

    /// <summary>What <c>rabbitmqctl</c> needs to reach this node: its name, its cookie (in <c>HOME</c>) and its epmd.</summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment(int epmdPort) => new Dictionary<string, string>
    {
        ["RABBITMQ_NODENAME"] = NodeName,
        ["HOME"] = Path,
        ["ERL_EPMD_PORT"] = epmdPort.ToString(),
    };

    /// <summary>
    /// The environment that points <c>rabbitmq-server</c> at this folder: identity, data, logs (to standard output,
    /// so they show in the dashboard) and configuration; AMQP on <paramref name="bindAddress"/>; Erlang distribution
    /// and the epmd it starts on loopback only; its code loaded in parallel as it boots (<see cref="ErlangCodePreload"/>).
    /// For the server only: the command-line tools get <see cref="NodeEnvironment"/>. The distribution port is the
    /// caller's (<see cref="DistributionPortVariable"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment(int amqpPort, string bindAddress, int epmdPort) =>
        new Dictionary<string, string>(NodeEnvironment(epmdPort))
        {
            ["RABBITMQ_NODE_IP_ADDRESS"] = bindAddress,
            ["RABBITMQ_NODE_PORT"] = amqpPort.ToString(),
            ["RABBITMQ_MNESIA_BASE"] = MnesiaBase,
            ["RABBITMQ_LOG_BASE"] = LogBase,
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_CONFIG_FILE"] = ConfigFile,
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = AdvancedConfigFile,
            ["RABBITMQ_CONF_ENV_FILE"] = EnvironmentFile,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = EnabledPluginsFile,
            ["RABBITMQ_PID_FILE"] = PidFile,
            ["ERL_EPMD_ADDRESS"] = MessagingSettings.Loopback,
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            [ErlangCodePreload.Variable] = ErlangCodePreload.Flags,
        };

    /// <summary>The Erlang distribution port, which the caller chooses.</summary>
    public const string DistributionPortVariable = "RABBITMQ_DIST_PORT";

    /// <summary>
    /// Writes the broker's configuration and <see cref="NodeFile"/>. The configuration holds the password, so only its
    /// owner may read it.
    /// </summary>
    public async Task WriteConfigurationAsync(
        string userName, string password, int managementPort, string bindAddress, int epmdPort, CancellationToken cancellationToken,
        IEnumerable<string>? extraSettings = null)
    {
        await File.WriteAllTextAsync(EnabledPluginsFile, "[rabbitmq_management].\n", cancellationToken);
        await File.WriteAllTextAsync(EnvironmentFile, "# Deliberately empty: /etc/rabbitmq/rabbitmq-env.conf must not apply.\n", cancellationToken);
        await File.WriteAllTextAsync(AdvancedConfigFile, "[].\n", cancellationToken);
        await PrivateFolder.WriteOwnerOnlyAsync(NodeFile, string.Concat(NodeEnvironment(epmdPort).Select(v => $"{v.Key}={v.Value}\n")), cancellationToken);

        var config = new StringBuilder()
            .AppendLine($"default_user = {userName}")
            .AppendLine($"default_pass = {password}")
            .AppendLine("default_user_tags.administrator = true")
            .AppendLine("default_permissions.configure = .*")
            .AppendLine("default_permissions.read = .*")
            .AppendLine("default_permissions.write = .*")
            .AppendLine($"management.tcp.ip = {bindAddress}")
            .AppendLine($"management.tcp.port = {managementPort}")
            // Queue figures in the management UI and API within a second rather than five.
            .AppendLine("collect_statistics_interval = 1000")
            // Above Tasks:MaxSeconds (at most 1,500 s), so a worker busy with the longest task keeps its channel.
            .AppendLine("consumer_timeout = 1800000")
            .AppendJoin(Environment.NewLine, extraSettings ?? [])
            .AppendLine()
            .ToString();
        await PrivateFolder.WriteOwnerOnlyAsync(ConfigFile, config, cancellationToken);
    }

    /// <summary>
    /// Deletes everything the broker keeps here (queues, messages, users, logs, identity), so it starts empty. Only in a
    /// folder this code created, that the caller owns, and while no broker runs on it.
    /// </summary>
    public void DeleteData()
    {
        if (!File.Exists(CreatedMarker))
        {
            throw new InvalidOperationException($"{Path} was not created by the WorkQueues AppHost, so it leaves it alone; delete it yourself if you mean to.");
        }

        PrivateFolder.EnsureOwnedByCurrentUser(Path);
        if (LocalRabbitMQNodeProcess.FindIds(this) is [var node, ..])
        {
            throw new InvalidOperationException($"The broker still runs on {Path} (process {node}); stop it first.");
        }

        foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos())
        {
            if (entry.FullName == LockFile || entry.FullName == CreatedMarker)
            {
                continue; // The folder stays ours, and the AppHost that runs it keeps its lock.
            }

            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    private static string? ReadNodeName(string path)
    {
        var file = System.IO.Path.Combine(path, "node.env");
        return File.Exists(file)
            ? File.ReadLines(file).Select(line => line.Split('=', 2)).FirstOrDefault(kv => kv is ["RABBITMQ_NODENAME", { Length: > 0 }])?[1]
            : null;
    }
}
