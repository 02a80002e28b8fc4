#!/usr/bin/env bash
# Shows nsveth working as a runtime would use it: ADD a named namespace to the dual-stack network
# of conf/demo.conflist, look inside, ping both ways over IPv4 and IPv6, CHECK, DEL — then remove
# everything it created and restore the forwarding sysctls it found. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then echo "scripts/demo.sh: run as root" >&2; exit 1; fi
[[ -x build/plugin/nsveth ]] || scripts/build.sh jq
scripts/install-deps.sh jq

nsveth=$PWD/build/plugin/nsveth
netns=nsveth-demo-$$
container=demo-$$
conflist=conf/demo.conflist
# A runtime hands each plugin its entry of the list with cniVersion and name filled in.
config=$(jq -c '.plugins[0] + {cniVersion: .cniVersion, name: .name}' "$conflist")

saved_v4=$(cat /proc/sys/net/ipv4/ip_forward)
saved_v6=$(cat /proc/sys/net/ipv6/conf/all/forwarding)
# The IPAM store keeps its bookkeeping (lock, boot id, cursors) after the last release, as
# host-local does; the demo removes the store's directory if the demo is what created it.
data_dir=$(jq -r '.plugins[0].ipam.dataDir' "$conflist")
state_root=${data_dir%/ipam}
[[ -e $state_root ]] && state_root=
cleanup() {
    cni DEL >/dev/null 2>&1 || true
    ip netns delete "$netns" 2>/dev/null || true
    [[ -n $state_root ]] && rm -rf "$state_root"
    echo "$saved_v4" >/proc/sys/net/ipv4/ip_forward
    echo "$saved_v6" >/proc/sys/net/ipv6/conf/all/forwarding
}
trap cleanup EXIT

cni() {  # cni COMMAND [prevResult]: run the plugin exactly as a runtime does
    local input=$config
    [[ $# -gt 1 ]] && input=$(jq -c --argjson prev "$2" '. + {prevResult: $prev}' <<<"$config")
    CNI_COMMAND=$1 CNI_CONTAINERID=$container CNI_NETNS=$netns CNI_IFNAME=eth0 \
        CNI_PATH=/usr/lib/cni "$nsveth" <<<"$input"
}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "ADD: $container into namespace $netns (created by nsveth, as 'ip netns add' would)"
start=$(date +%s%N)
result=$(cni ADD)
echo "ADD returned after $(( ($(date +%s%N) - start) / 1000 )) µs as seen from this shell, fork and exec included (dual-stack, no DAD wait)"
echo "$result"
pod_v4=$(jq -r '.ips[] | select(.address | contains(".")) | .address | split("/")[0]' <<<"$result")
pod_v6=$(jq -r '.ips[] | select(.address | contains(":")) | .address | split("/")[0]' <<<"$result")
gw_v4=$(jq -r '.ips[] | select(.address | contains(".")) | .gateway' <<<"$result")
gw_v6=$(jq -r '.ips[] | select(.address | contains(":")) | .gateway' <<<"$result")

step "ip netns list"
ip netns list
step "inside $netns: ip addr"
ip netns exec "$netns" ip addr
step "inside $netns: ip route / ip -6 route"
ip netns exec "$netns" ip route
ip netns exec "$netns" ip -6 route

step "host -> pod ($pod_v4, $pod_v6)"
ping -c 2 -W 2 "$pod_v4"
ping -6 -c 2 -W 2 "$pod_v6"
step "pod -> host ($gw_v4, $gw_v6)"
ip netns exec "$netns" ping -c 2 -W 2 "$gw_v4"
ip netns exec "$netns" ping -6 -c 2 -W 2 "$gw_v6"

step "CHECK (empty output and exit 0 mean: all as ADD left it)"
cni CHECK "$result"
echo "CHECK passed"

step "DEL"
cni DEL "$result"
echo "DEL done; namespace $netns still listed? $(ip netns list | grep -c "^$netns" || true)"
step "demo finished"
