namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// Decides which broker path the AppHost takes, failing fast when none can work. The container path is taken only when
/// the runtime Aspire itself will use (<see cref="MessagingSettings.ContainerRuntime"/>) answers: on a machine with
/// podman installed but Docker chosen (Aspire's default), auto means the local path.
/// </summary>
public static class BrokerChoice
{
    public static BrokerKind Resolve(
        BrokerKind requested,
        bool isPublishMode,
        Func<string, bool> containerRuntimeAnswers,
        Func<bool> localServerIsInstalled,
        MessagingSettings settings)
    {
        // A deployment always runs RabbitMQ as a container; what this machine has installed is irrelevant there.
        if (isPublishMode)
        {
            return requested == BrokerKind.External ? BrokerKind.External : BrokerKind.Container;
        }

        switch (requested)
        {
            case BrokerKind.External:
                return BrokerKind.External;

            case BrokerKind.Local:
                return localServerIsInstalled()
                    ? BrokerKind.Local
                    : throw new BrokerUnavailableException(
                        $"Messaging:Broker is 'local' but no RabbitMQ server was found at {settings.ServerPath}. " + InstallServerFix);

            case BrokerKind.Container:
                return containerRuntimeAnswers(settings.ContainerRuntime!)
                    ? BrokerKind.Container
                    : throw new BrokerUnavailableException(
                        $"Messaging:Broker is 'container' but the container runtime '{settings.ContainerRuntime}' is not running. " +
                        "Start Docker or Podman" + PodmanHint + ", or use the locally installed server instead: " + InstallServerFix);

            default:
                if (containerRuntimeAnswers(settings.ContainerRuntime!))
                {
                    return BrokerKind.Container;
                }

                return localServerIsInstalled()
                    ? BrokerKind.Local
                    : throw new BrokerUnavailableException(
                        $"No RabbitMQ broker can be started: the container runtime '{settings.ContainerRuntime}' is not running " +
                        $"and no RabbitMQ server is installed at {settings.ServerPath}. Either start Docker or Podman{PodmanHint}, or " +
                        InstallServerFix);
        }
    }

    private const string PodmanHint = " (Aspire uses Podman when ASPIRE_CONTAINER_RUNTIME=podman)";

    private const string InstallServerFix =
        "install the server (Debian/Ubuntu: sudo apt-get install rabbitmq-server) and run with Messaging:Broker=local or auto.";
}
