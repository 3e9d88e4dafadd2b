using System.Diagnostics;
using System.Text;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// The local broker's folder for one AppHost run: data, logs, configuration, Erlang cookie (its <c>HOME</c>).
/// Named after the AMQP port, which no two brokers on a machine can share, so <c>rabbitmqctl</c> can find it.
/// The wrapper script removes it when the AppHost stops; a folder left by a killed AppHost is removed at the next start.
/// </summary>
public sealed class LocalRabbitMQRunFolder
{
    private const string OwnerFileName = "apphost.pid";
    private const string StoppingMarkerName = "apphost.stopping";

    private LocalRabbitMQRunFolder(string path, int amqpPort)
    {
        Path = path;
        NodeName = $"workqueues-{amqpPort}@localhost";
    }

    public string Path { get; }

    public string NodeName { get; }

    public string MnesiaBase => System.IO.Path.Combine(Path, "mnesia");

    public string LogBase => System.IO.Path.Combine(Path, "log");

    public string ConfigFile => System.IO.Path.Combine(Path, "rabbitmq.conf");

    public string EnabledPluginsFile => System.IO.Path.Combine(Path, "enabled_plugins");

    public string EnvironmentFile => System.IO.Path.Combine(Path, "rabbitmq-env.conf");

    public string AdvancedConfigFile => System.IO.Path.Combine(Path, "advanced.config");

    public string PidFile => System.IO.Path.Combine(Path, "rabbitmq.pid");

    public string StoppingMarker => System.IO.Path.Combine(Path, StoppingMarkerName);

    /// <summary>
    /// The environment that points <c>rabbitmq-server</c> at this folder: its own node name, ports, data, logs (to
    /// standard output, so they show in the dashboard), configuration and <c>HOME</c> (where Erlang keeps the cookie
    /// that <c>rabbitmqctl</c> needs).
    /// </summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment(int amqpPort, int distributionPort) => new Dictionary<string, string>
    {
        ["HOME"] = Path,
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_PORT"] = amqpPort.ToString(),
        ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(),
        ["RABBITMQ_MNESIA_BASE"] = MnesiaBase,
        ["RABBITMQ_LOG_BASE"] = LogBase,
        ["RABBITMQ_LOGS"] = "-",
        ["RABBITMQ_CONFIG_FILE"] = ConfigFile,
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = AdvancedConfigFile,
        ["RABBITMQ_CONF_ENV_FILE"] = EnvironmentFile,
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = EnabledPluginsFile,
        ["RABBITMQ_PID_FILE"] = PidFile,
    };

    /// <summary>Creates a fresh folder for this run after removing what dead AppHosts left behind.</summary>
    public static LocalRabbitMQRunFolder Create(string dataRoot, int amqpPort)
    {
        Directory.CreateDirectory(dataRoot);
        RemoveAbandoned(dataRoot);

        var folder = new LocalRabbitMQRunFolder(System.IO.Path.Combine(dataRoot, $"rabbitmq-{amqpPort}"), amqpPort);
        var owner = ReadOwner(folder.Path);
        if (owner is int pid && pid != Environment.ProcessId && IsAlive(pid))
        {
            throw new BrokerUnavailableException(
                $"Another AppHost (process {pid}) runs a local broker on port {amqpPort}. Stop it, or choose another port with Messaging:AmqpPort.");
        }

        if (IsListening(amqpPort))
        {
            throw new BrokerUnavailableException(
                $"Port {amqpPort} is already in use, perhaps by a RabbitMQ the system started (sudo systemctl disable --now rabbitmq-server). " +
                "Stop it, or give the AppHost another port with Messaging:AmqpPort (and Messaging:ManagementPort).");
        }

        if (Directory.Exists(folder.Path))
        {
            Directory.Delete(folder.Path, recursive: true);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder.Path);
        }
        else
        {
            Directory.CreateDirectory(folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.WriteAllText(System.IO.Path.Combine(folder.Path, OwnerFileName), Environment.ProcessId.ToString());
        return folder;
    }

    /// <summary>Writes the broker's configuration; the file holds the password, so only its owner may read it.</summary>
    public async Task WriteConfigurationAsync(string userName, string password, int managementPort, CancellationToken cancellationToken)
    {
        File.Delete(StoppingMarker);
        await File.WriteAllTextAsync(EnabledPluginsFile, "[rabbitmq_management].\n", cancellationToken);
        await File.WriteAllTextAsync(EnvironmentFile, "# Deliberately empty: /etc/rabbitmq/rabbitmq-env.conf must not apply.\n", cancellationToken);
        await File.WriteAllTextAsync(AdvancedConfigFile, "[].\n", cancellationToken);

        var config = new StringBuilder()
            .AppendLine($"default_user = {userName}")
            .AppendLine($"default_pass = {password}")
            .AppendLine("default_user_tags.administrator = true")
            .AppendLine("default_permissions.configure = .*")
            .AppendLine("default_permissions.read = .*")
            .AppendLine("default_permissions.write = .*")
            .AppendLine($"management.tcp.port = {managementPort}")
            // Queue figures in the management UI and API within a second rather than five.
            .AppendLine("collect_statistics_interval = 1000")
            // Above Tasks:MaxSeconds (at most 1,500 s), so a worker busy with the longest task keeps its channel.
            .AppendLine("consumer_timeout = 1800000")
            .ToString();

        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(ConfigFile, fileOptions);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(config), cancellationToken);
    }

    /// <summary>Tells the wrapper script that the broker's next exit is the end of the run, not a restart.</summary>
    public void MarkStopping()
    {
        if (Directory.Exists(Path))
        {
            File.WriteAllText(StoppingMarker, string.Empty);
        }
    }

    private static void RemoveAbandoned(string dataRoot)
    {
        foreach (var directory in Directory.EnumerateDirectories(dataRoot, "rabbitmq-*"))
        {
            if (ReadOwner(directory) is not int pid || !IsAlive(pid))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // A broker of a dead AppHost may still be shutting down; the next start tries again.
                }
            }
        }
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, port);
            listener.Start();
            return false;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return true;
        }
    }

    private static int? ReadOwner(string directory)
    {
        var file = System.IO.Path.Combine(directory, OwnerFileName);
        return File.Exists(file) && int.TryParse(File.ReadAllText(file), out var pid) ? pid : null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
