#!/usr/bin/env bash
# Installs, with apt-get, what the tests need and a fresh machine lacks: Debian's rabbitmq-server (the tests run the
# local broker, and its epmd) and chromium (the task page is tested in a real headless browser).
set -euo pipefail
missing=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    "$(dirname "$0")/apt-install.sh" "${missing[@]}"
    # Debian may start a system broker on 5672; the tests use free ports, but `dotnet run` wants 5672 free.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet rabbitmq-server 2>/dev/null; then
        echo "note: Debian started a system RabbitMQ on port 5672; 'sudo systemctl disable --now rabbitmq-server' frees it for the AppHost." >&2
    fi
fi
