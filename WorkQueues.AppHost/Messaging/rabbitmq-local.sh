#!/bin/sh
# Runs the local RabbitMQ server for one AppHost run: rabbitmq-local.sh RUN_FOLDER SERVER [ARGS...]
# When the server exits because the AppHost is stopping (it writes apphost.stopping first), the run folder is
# removed. A restart from the dashboard leaves no marker, so durable queues and persistent messages survive it.
run_folder="$1"
shift

"$@" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null' TERM INT
wait "$server"
status=$?
# The first wait returns as soon as a trapped signal arrives; wait for the server to finish its own shutdown.
while kill -0 "$server" 2>/dev/null; do
    wait "$server"
    status=$?
done

if [ -f "$run_folder/apphost.stopping" ]; then
    rm -rf "$run_folder"
fi
exit "$status"
