#!/usr/bin/env bash
# Runs the whole test suite: unit tests and the integration tests that start the AppHost and real RabbitMQ brokers.
# Installs what is missing first, with apt-get: Debian's rabbitmq-server (the tests run the local broker; no container
# needed) and chromium (the task page is tested in a real headless browser).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} with apt-get." >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    # Debian may start a system broker on 5672; the tests use free ports, but `dotnet run` wants 5672 free.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet rabbitmq-server 2>/dev/null; then
        echo "note: Debian started a system RabbitMQ on port 5672; 'sudo systemctl disable --now rabbitmq-server' frees it for the AppHost." >&2
    fi
fi

# The container-path tests run podman (this run only, with the repository's containers.conf) and a RabbitMQ image
# built here from Debian packages (installing podman, runc and mmdebstrap when missing): once, then again only when its
# recipe changes. Without it they are reported skipped.
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/containers.conf}"
tests/container-image/build.sh >/dev/null \
    || echo "warning: the container-path test image could not be built; those tests will be reported skipped." >&2

dotnet test WorkQueues.sln "$@"
