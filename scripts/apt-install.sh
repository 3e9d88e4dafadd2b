#!/usr/bin/env bash
# Installs the given Debian packages with apt-get (through sudo when not root), quietly: the one way the scripts here
# install what a fresh machine lacks.
set -euo pipefail
[ $# -gt 0 ] || exit 0
echo "Installing $* with apt-get." >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
