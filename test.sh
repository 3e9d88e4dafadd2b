#!/usr/bin/env bash
# Runs the whole test suite: unit tests and the integration tests that start the AppHost and real RabbitMQ brokers.
# Installs what is missing first (scripts/install-test-prerequisites.sh, tests/container-image/build.sh).
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-test-prerequisites.sh

# The container-path tests run podman (this run only, with the repository's containers.conf) and a RabbitMQ image
# built here from Debian packages (installing podman, runc and mmdebstrap when missing): once, then again only when its
# recipe changes. Without it they are reported skipped.
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/containers.conf}"
tests/container-image/build.sh >/dev/null \
    || echo "warning: the container-path test image could not be built; those tests will be reported skipped." >&2

dotnet test WorkQueues.sln "$@"
