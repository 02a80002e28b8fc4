// Routes of both families in the main (or a given) table: adding and listing.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/ip.h"
#include "netns/netlink.h"

namespace nsveth {

struct RouteEntry {
    IpPrefix dst;
    std::optional<IpAddress> gateway = std::nullopt;
    std::optional<IpAddress> source = std::nullopt;  // preferred source (RTA_PREFSRC)
    int ifindex = 0;
    std::uint8_t scope = 0;           // RT_SCOPE_UNIVERSE; RT_SCOPE_LINK = 253
    std::uint32_t table = 254;        // RT_TABLE_MAIN
    std::optional<std::uint32_t> priority = std::nullopt;
    std::optional<std::uint32_t> mtu = std::nullopt;
    std::optional<std::uint32_t> advmss = std::nullopt;
};

/// Queues the addition of `route` (NLM_F_EXCL) in `batch`; `ifname` names the link in messages.
void add_route(NetlinkBatch& batch, const RouteEntry& route, std::string_view ifname);

/// The unicast routes of `family` (AF_INET, AF_INET6, or AF_UNSPEC for both in one dump) in
/// `table`, only those out of link `ifindex` unless it is 0. Throws SystemError.
std::vector<RouteEntry> list_routes(NetlinkSocket& socket, int family, std::uint32_t table,
                                    int ifindex = 0);

}  // namespace nsveth
