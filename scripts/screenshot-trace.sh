#!/usr/bin/env bash
# Regenerates docs/trace.png, the dashboard's trace view of one task: starts the AppHost, posts a task, waits until
# its trace reaches the ack, and has headless Chromium (apt-get install chromium) take the picture through
# playwright-core (installed from npm into scripts/node_modules on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
dashboard=http://localhost:15888
producer=http://localhost:5080
log=$(mktemp)

# Ports of their own, so a broker already on 5672 does not matter; a throwaway data folder and epmd port, so the run
# leaves nothing behind. The AppHost is built, then run directly (not through `dotnet run`), so $apphost is its own pid.
dotnet build WorkQueues.AppHost >/dev/null
data=$(mktemp -d)
epmd_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(
    cd WorkQueues.AppHost
    # What the http launch profile sets.
    exec env ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
        ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true ASPNETCORE_URLS="$dashboard" \
        ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:19888 \
        Messaging__AmqpPort=5673 Messaging__ManagementPort=15673 Messaging__DataRoot="$data" Messaging__EpmdPort="$epmd_port" \
        ./bin/Debug/net10.0/WorkQueues.AppHost
) >"$log" 2>&1 &
apphost=$!
stop() {
    kill -TERM "$apphost" 2>/dev/null || true
    wait "$apphost" 2>/dev/null || true
    # The AppHost returns before DCP has stopped the broker; epmd refuses to stop while the node is registered.
    for _ in $(seq 1 60); do
        epmd -port "$epmd_port" -names 2>/dev/null | grep -q '^name ' || break
        sleep 1
    done
    epmd -port "$epmd_port" -kill >/dev/null 2>&1 || true
    rm -rf "$data" "$log"
}
trap stop EXIT

for _ in $(seq 1 120); do
    curl -sf "$producer/health" >/dev/null 2>&1 && break
    sleep 1
done

id=$(curl -sf -H 'Content-Type: text/plain' --data-binary 'Observe this task...' "$producer/tasks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "posted task $id"

trace=""
for _ in $(seq 1 60); do
    trace=$(curl -sf "$dashboard/api/telemetry/traces" | python3 -c '
import json, sys
task = sys.argv[1]
spans = [s for rs in json.load(sys.stdin)["data"]["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
ids = {s["traceId"] for s in spans for a in s.get("attributes", []) if a["key"] == "messaging.message.id" and a["value"].get("stringValue") == task}
done = [t for t in ids if any(s["traceId"] == t and s["name"] == "ack" for s in spans)]
print(done[0] if done else "")' "$id")
    [ -n "$trace" ] && break
    sleep 1
done
[ -n "$trace" ] || { echo "no complete trace for task $id" >&2; exit 1; }

[ -d scripts/node_modules/playwright-core ] || npm --prefix scripts ci --no-audit --no-fund >/dev/null
node scripts/screenshot-trace.mjs "$dashboard/traces/detail/$trace" docs/trace.png
echo "wrote docs/trace.png (trace $trace)"
