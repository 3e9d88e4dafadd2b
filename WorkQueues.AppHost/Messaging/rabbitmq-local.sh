#!/bin/sh
# Runs the local RabbitMQ server for one AppHost run: rabbitmq-local.sh RUN_FOLDER SERVER [ARGS...]
#
# When the AppHost stops it writes RUN_FOLDER/apphost.stopping before the server is told to stop; the folder is then
# removed once the server is gone. A restart from the dashboard writes no marker, so durable queues and persistent
# messages survive it. The remover runs detached because the orchestrator kills this script's process tree
# before the broker has finished its own shutdown.
run_folder="$1"
shift

remove_when_stopped() {
    [ -f "$run_folder/apphost.stopping" ] || return 0
    broker_pid=$(cat "$run_folder/rabbitmq.pid" 2>/dev/null)
    ( setsid sh -c '
        for _ in $(seq 1 600); do
            kill -0 "$1" 2>/dev/null || { [ -z "$2" ] || kill -0 "$2" 2>/dev/null; } || break
            sleep 0.1
        done
        rm -rf "$3"' remover "$server" "$broker_pid" "$run_folder" >/dev/null 2>&1 & )
}

"$@" &
server=$!
trap 'remove_when_stopped; kill -TERM "$server" 2>/dev/null' TERM INT
wait "$server"
status=$?
while kill -0 "$server" 2>/dev/null; do
    wait "$server"
    status=$?
done
remove_when_stopped
exit "$status"
