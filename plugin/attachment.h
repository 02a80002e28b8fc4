// What identifies one attachment and the names derived from it: the namespace CNI_NETNS points
// at (a path, or a bare name under /var/run/netns) and the host-side veth name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/ip.h"
#include "netns/link.h"
#include "netns/netlink.h"

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

/// Whether `link`, found under an attachment's host veth name, can be nsveth's: a veth whose
/// peer is in another namespace, as every pair ADD creates is.
bool is_host_veth(const LinkInfo& link);

/// Deletes the attachment's host veth through `host` (a socket in the host namespace), which
/// takes the pair and every route over it along. Only a veth whose peer is in another namespace
/// can be nsveth's: any other link under that name is left alone, and said so on stderr. With
/// `routed`, also only a veth with a host route to one of those addresses (GC: the name alone
/// does not tell which network's attachment it is). Nothing there is fine. Throws SystemError.
void delete_host_veth(NetlinkSocket& host, std::string_view container_id, std::string_view ifname,
                      const std::vector<IpAddress>* routed = nullptr);

}  // namespace nsveth
