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
# of their time is spent waiting on brokers, containers and AppHosts, then TestLane.Alone by itself.
# Each lane takes its own share of the free ports.
dotnet build WorkQueues.sln
second_log=$(mktemp -t workqueues-second-lane.XXXXXX)
lanes=()
# Stopped (Ctrl+C, kill, a closed terminal): both lanes are interrupted as a terminal would, so their fixtures can
# stop what they started; then terminated if they still run 30 s later (started with SIGINT ignored, they ignore it).
signal_lanes() {
    local lane running=1
    for lane in "${lanes[@]}"; do
        kill "-$1" -- "-$lane" 2>/dev/null && running=0
    done
    return $running
}
stop_lanes() {
    signal_lanes INT || exit 130
    for _ in {1..30}; do
        [[ -n "$(jobs -rp)" ]] || exit 130
        sleep 1
    done
    signal_lanes TERM || true
    wait || true
    exit 130
}
trap stop_lanes INT TERM HUP
trap 'rm -f "$second_log"' EXIT

# Job control gives each lane a process group of its own (what stop_lanes signals), with SIGINT not ignored (unless
# this script was started ignoring it): a background job of a shell without job control would ignore SIGINT, and so
# would every AppHost and broker the lane starts. (The Ctrl+C test restores it for its AppHost either way.)
set -m
WORKQUEUES_TEST_PORT_SHARE=0/2 dotnet test WorkQueues.sln --no-build --filter "Lane!=second&Lane!=alone" </dev/null &
lanes+=($!)
WORKQUEUES_TEST_PORT_SHARE=1/2 dotnet test tests/WorkQueues.IntegrationTests --no-build --filter "Lane=second" \
    </dev/null >"$second_log" 2>&1 &
lanes+=($!)
set +m
echo "Integration tests in two lanes: the second lane's output follows the first's ($second_log meanwhile)."

first=0
wait "${lanes[0]}" || first=$?
second=0
wait "${lanes[1]}" || second=$?
echo "--- second lane (tests/WorkQueues.IntegrationTests, Lane=second) ---"
cat "$second_log"
trap - INT TERM HUP

# Then, by themselves (TestLane.Alone): the tests that start a real AppHost process, which loads both cores, and task
# control, whose scheduled tasks must be done at most 2 s after they are due (beside another lane, a few were not).
alone=0
dotnet test tests/WorkQueues.IntegrationTests --no-build --filter "Lane=alone" || alone=$?
exit $((first != 0 || second != 0 || alone != 0))
