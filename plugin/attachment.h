// What identifies one attachment and the names derived from it: the namespace CNI_NETNS points
// at (a path, or a bare name under /var/run/netns), the host-side veth name, and the record that
// says "ADD created this named namespace, so DEL removes it".
#pragma once

#include <string>
#include <string_view>

#include "netns/netns.h"

namespace nsveth {

/// CNI_NETNS resolved: a path as given, or a bare name mapped to /var/run/netns/NAME.
struct NetnsTarget {
    std::string path;
    std::string name;  // the bare name, empty when CNI_NETNS was a path
};

/// Throws CniError(kInvalidEnvironment) for a bare name `ip netns` would not accept.
NetnsTarget resolve_netns(std::string_view cni_netns);

/// The host end's name: "veth" + 11 hex digits of a hash of (container ID, ifname) — 15 bytes,
/// the kernel's limit. Deterministic, so DEL finds it without any state.
std::string host_veth_name(std::string_view container_id, std::string_view ifname);

/// Remembers that ADD of (container_id, ifname) created the named namespace `name`, which is
/// `netns`. Throws SystemError.
void record_created_netns(std::string_view name, const Netns& netns,
                          std::string_view container_id, std::string_view ifname);
/// DEL's half: if ADD of exactly this attachment created the named namespace `name`, forgets the
/// record and removes the namespace — unless the name now holds another one (deleted and
/// created again by someone else), which is left alone. Throws SystemError.
void delete_created_netns(std::string_view name, std::string_view container_id,
                          std::string_view ifname);
/// The same for every named namespace that ADD of this attachment created, found through the
/// records: for a DEL without CNI_NETNS. Throws SystemError.
void delete_created_netns_of(std::string_view container_id, std::string_view ifname);

}  // namespace nsveth
