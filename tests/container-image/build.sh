#!/usr/bin/env bash
# Builds the RabbitMQ image the container-path tests run, from Debian packages, without any registry:
#   tests/container-image/build.sh          builds it unless it exists; prints its name (the only line on stdout)
#   tests/container-image/build.sh --name   prints the name only
# The tag carries a hash of this recipe, so an image is rebuilt only when the recipe changes. Installs podman, runc and
# mmdebstrap with apt-get when missing. Podman runs with the repository's containers.conf (CONTAINERS_CONF), never with
# a change to the machine's own configuration. Starts no container; leaves only the image.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repository="localhost/workqueues-rabbitmq"
suite="bookworm"

recipe_hash=$(cat "$here/build.sh" "$here/entrypoint.sh" | sha256sum | cut -c1-12)
image="$repository:$suite-$recipe_hash"
if [ "${1:-}" = "--name" ]; then
    echo "$image"
    exit 0
fi

export CONTAINERS_CONF="${CONTAINERS_CONF:-$(cd "$here/../.." && pwd)/containers.conf}"

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} with apt-get." >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # Not podman-docker: 'docker' must keep meaning Docker, so the AppHost's default runtime choice stays honest.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if podman image exists "$image"; then
    echo "$image"
    exit 0
fi

# The mirrors apt already uses for this suite; mmdebstrap's default mirror when none names it.
mirrors=()
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    if [ -f "$file" ] && grep -Eq "(^|[[:space:]])$suite([[:space:]]|$)" "$file"; then
        mirrors+=("$file")
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/workqueues-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "Building $image from Debian $suite packages (about a minute)." >&2
mmdebstrap --quiet --variant=minbase --include=rabbitmq-server \
    --customize-hook='chroot "$1" /usr/lib/rabbitmq/bin/rabbitmq-plugins enable --offline rabbitmq_management' \
    --customize-hook="copy-in $here/entrypoint.sh /usr/local/bin" \
    --customize-hook='chmod 0755 "$1/usr/local/bin/entrypoint.sh"' \
    "$suite" "$work/rootfs.tar" "${mirrors[@]}" >&2

podman import --quiet \
    --change 'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]' \
    --change "LABEL org.opencontainers.image.description=\"RabbitMQ from Debian $suite for WorkQueues tests\"" \
    "$work/rootfs.tar" "$image" >/dev/null

# Earlier recipes' images are of no further use.
podman images --filter "reference=$repository" --format '{{.Repository}}:{{.Tag}}' | while read -r old; do
    [ "$old" = "$image" ] || podman rmi "$old" >/dev/null 2>&1 || true
done

echo "$image"
