#!/usr/bin/env bash
# Measures the IPAM store: reserve()/release() latency at 0, 1,000 and 10,000 reservations in a
# /16, and what an fsync'd reservation would cost on this machine. Prints a Markdown table.
# Usage: scripts/bench-ipam.sh [directory]
#   directory: where the temp store goes (default /var/lib, the file system of the default
#   dataDir); it is removed afterwards. Builds the ipam_bench target into build/ first.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target ipam_bench >/dev/null
bench=$build/tests/bench/ipam_bench
if [[ ! -x $bench ]]; then
    bench=$(find "$build" -type f -name ipam_bench -perm -u+x -print -quit)
fi
if [[ -z $bench ]]; then
    echo "scripts/bench-ipam.sh: ipam_bench was not built (is tests/bench part of the build?)" >&2
    exit 1
fi
exec "$bench" "$@"
