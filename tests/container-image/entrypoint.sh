#!/bin/sh
# Entrypoint of the test image: does what the official RabbitMQ image's entrypoint does for Aspire's AddRabbitMQ.
# Debian's server does not read RABBITMQ_DEFAULT_USER/RABBITMQ_DEFAULT_PASS, so they go into rabbitmq.conf here;
# the data volume (/var/lib/rabbitmq) arrives owned by root, so the rabbitmq folders are handed to the rabbitmq user.
set -eu

conf=/etc/rabbitmq/rabbitmq.conf
umask 027
{
    # Published ports reach the broker from outside the container, never over its loopback.
    echo "loopback_users = none"
    if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then echo "default_user = $RABBITMQ_DEFAULT_USER"; fi
    if [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then echo "default_pass = $RABBITMQ_DEFAULT_PASS"; fi
} > "$conf"
chown root:rabbitmq "$conf"
unset RABBITMQ_DEFAULT_PASS

chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq

# Logs to standard output, where the AppHost's console log shows them (as the official image does).
export RABBITMQ_LOGS="${RABBITMQ_LOGS:--}"
export HOME=/var/lib/rabbitmq
exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
