#!/usr/bin/env bash
# Configures and builds nsveth into build/ (RelWithDebInfo), installing dependencies first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh "$@"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
