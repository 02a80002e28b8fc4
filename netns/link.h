// Links: the veth pair (created from the host with its peer placed straight into the target
// namespace), lookup, bringing up, deleting. Each call works in the namespace of its socket.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/mac.h"
#include "netns/netlink.h"
#include "netns/netns.h"

namespace nsveth {

/// The loopback device's index, the same in every network namespace (LOOPBACK_IFINDEX).
inline constexpr int kLoopbackIndex = 1;

/// The IPv6 settings of a link that nsveth looks at, from the kernel's IFLA_INET6_CONF.
struct LinkIpv6Conf {
    bool disabled = false;  // net.ipv6.conf.<link>.disable_ipv6
    int accept_ra = 0;      // net.ipv6.conf.<link>.accept_ra
};

struct LinkInfo {
    int index = 0;
    std::string name;
    unsigned flags = 0;  // IFF_*
    int mtu = 0;
    std::string mac;     // "aa:bb:cc:dd:ee:ff", empty when the link has none
    std::string kind;    // IFLA_INFO_KIND, e.g. "veth"
    bool peer_elsewhere = false;  // IFLA_LINK_NETNSID: the peer is in another namespace
    /// Absent when the kernel reports no IPv6 settings for the link (IPv6 off at boot).
    std::optional<LinkIpv6Conf> ipv6;
    bool is_up() const;
};

struct VethPair {
    std::string host_name;   // created in the socket's namespace
    std::string peer_name;   // created directly inside peer_netns
    const Netns* peer_netns;
    int mtu = 0;             // both ends; 0 = kernel default
    std::optional<MacAddress> peer_mac = std::nullopt;  // kernel-random when unset
};

/// Creates the pair with NLM_F_EXCL (never modifies an existing link). Throws SystemError; EEXIST
/// when either name is taken.
void create_veth(NetlinkSocket& socket, const VethPair& pair);

/// The link called `name`, nullopt when there is none. Throws SystemError on other failures.
std::optional<LinkInfo> find_link(NetlinkSocket& socket, std::string_view name);

/// Queues setting IFF_UP on link `index` in `batch` (`name` is for messages).
void set_link_up(NetlinkBatch& batch, int index, std::string_view name);
/// Clears IFF_UP on link `index` (`name` is for messages). Throws SystemError.
void set_link_down(NetlinkSocket& socket, int index, std::string_view name);

/// Deletes the link called `name`; false when it did not exist. Throws SystemError otherwise.
bool try_delete_link(NetlinkSocket& socket, std::string_view name);
/// Deletes `link` by its index, so a link that took the name meanwhile is safe; false when it
/// no longer exists. Throws SystemError otherwise.
bool try_delete_link(NetlinkSocket& socket, const LinkInfo& link);

}  // namespace nsveth
