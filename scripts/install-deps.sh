#!/usr/bin/env bash
# Installs the Debian packages nsveth needs to build, test and demo — only those missing, so a
# second run does nothing. Usage: scripts/install-deps.sh [extra packages...]
set -euo pipefail

packages=(g++ cmake make pkg-config libmnl-dev libnftnl-dev nlohmann-json3-dev libcxxopts-dev
          libgtest-dev iproute2 iputils-ping nftables containernetworking-plugins "$@")
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
