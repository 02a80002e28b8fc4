// Forwarding state through RTM_GETNETCONF: a netlink question instead of a /proc/sys read. A
// path under /proc/sys/net/ipv6 costs time in proportion to the namespaces on the host that have
// used their IPv6 sysctls (one directory entry each under /proc/sys/net: 0.11 ms per open with
// 900 of them on this VM, 5 us with 3), and a node runs a namespace per pod.
#pragma once

#include "netns/netlink.h"

namespace nsveth {

/// Whether forwarding is on for all interfaces of `family` in the socket's namespace (AF_INET:
/// net.ipv4.ip_forward, AF_INET6: net.ipv6.conf.all.forwarding). Throws SystemError.
bool forwarding_enabled(NetlinkSocket& socket, int family);

}  // namespace nsveth
