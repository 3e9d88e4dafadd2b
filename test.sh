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

# With arguments (a filter, a logger): one dotnet test, as given.
if [[ $# -gt 0 ]]; then
    exec dotnet test WorkQueues.sln "$@"
fi

# Without: the integration tests in two lanes side by side (TestLane in tests/WorkQueues.IntegrationTests), since most
# of their time is spent waiting on brokers, containers and AppHosts. Each lane takes its own share of the free ports.
dotnet build WorkQueues.sln
second_log=$(mktemp -t workqueues-second-lane.XXXXXX)
# Job control puts the second lane in a process group of its own with SIGINT not ignored, which a background job
# without it would inherit; stopped by that group if this script is stopped first.
set -m
WORKQUEUES_TEST_PORT_SHARE=1/2 dotnet test tests/WorkQueues.IntegrationTests --no-build --filter "Lane=second" </dev/null >"$second_log" 2>&1 &
second_lane=$!
set +m
trap 'kill -- -"$second_lane" 2>/dev/null || true' INT TERM

first=0
WORKQUEUES_TEST_PORT_SHARE=0/2 dotnet test WorkQueues.sln --no-build --filter "Lane!=second" || first=$?
second=0
wait "$second_lane" || second=$?
trap - INT TERM
echo "--- second lane (tests/WorkQueues.IntegrationTests, Lane=second) ---"
cat "$second_log"
rm -f "$second_log"
exit $((first != 0 || second != 0))
