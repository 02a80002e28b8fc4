#!/usr/bin/env bash
# Builds nsveth and runs every test tier: unit (no root), integration (root, real kernel, in
# throwaway namespaces), end to end (the binary executed as a runtime executes it). Run as root.
# Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
    echo "scripts/test.sh: the integration and end-to-end tiers need root" >&2
    exit 1
fi
scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 300
