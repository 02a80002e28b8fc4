#!/usr/bin/env bash
# Measures nsveth executed as a runtime executes it, next to Debian's reference plugins (ptp with
# host-local) and to the kernel floor (tests/bench/cni_floor.cc: only the kernel work of the same
# ADD, CHECK and DEL), and prints a Markdown report ending in PASS/FAIL lines for the targets of
# issue 6.
# About 2 minutes on 2 cores, plus the build. Needs root.
# Usage: scripts/bench.sh [--nsveth PATH] [--build DIR] [cni_bench options...]
#   --nsveth PATH  the binary to measure (default: DIR/plugin/nsveth, built first)
#   --build DIR    build directory for nsveth and the bench programs (default: build)
#   other options go to cni_bench: --cycles N (200), --reference-dual-cycles N (10),
#   --scale-levels 0,100,1000, --scale-samples N (100), --storm N (64), --no-reference, ...
#   (DIR/tests/bench/cni_bench --help lists them all).
# Everything runs in network namespaces that only cni_bench holds, and IPAM state goes to a temp
# directory under /run with a tmpfs of its own (cni_bench's WorkDir says why; --workdir DIR
# measures another file system): all of it is gone when the script ends, Ctrl-C included.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
nsveth=
args=()
while (($#)); do
    case $1 in
        --nsveth) nsveth=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$1"); shift ;;
    esac
done
if ((EUID != 0)); then
    echo "scripts/bench.sh: needs root (namespaces, veths)" >&2
    exit 1
fi

# Build dependencies, and containernetworking-plugins (the reference, /usr/lib/cni) if missing.
scripts/install-deps.sh containernetworking-plugins

log=$(mktemp)
trap 'rm -f "$log"' EXIT

targets=(cni_bench cni_floor cni_spawn)
[[ -n $nsveth ]] || targets+=(nsveth)
if ! { cmake -S . -B "$build" && cmake --build "$build" -j2 --target "${targets[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "scripts/bench.sh: the build failed" >&2
    exit 1
fi
bench=$build/tests/bench/cni_bench
if [[ -z $nsveth ]]; then
    nsveth=$build/plugin/nsveth
    build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
    sanitizers=$(sed -n 's/^NSVETH_\(ASAN\|UBSAN\):BOOL=ON$/\1/p' "$build/CMakeCache.txt" | tr '\n' ' ')
    # An empty CMAKE_BUILD_TYPE means RelWithDebInfo: the top CMakeLists.txt sets it then.
    label="${build_type:-RelWithDebInfo} build${sanitizers:+, with ${sanitizers% }}"
    commit=$(git rev-parse --short HEAD 2>/dev/null || true)
    if [[ -n $commit ]]; then
        git diff --quiet HEAD -- 2>/dev/null || commit+=" + uncommitted changes"
        label="commit $commit, $label"
    fi
else
    label="given with --nsveth"
fi
reference=$(dpkg-query -W -f='containernetworking-plugins ${Version}' containernetworking-plugins 2>/dev/null || true)

"$bench" --nsveth "$nsveth" --nsveth-label "$label" --reference-label "$reference" "${args[@]}"
