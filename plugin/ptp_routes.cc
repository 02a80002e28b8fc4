// Builds the container- and host-side route lists of the ptp layout.
#include "plugin/ptp_routes.h"

#include <linux/rtnetlink.h>

namespace nsveth {

std::vector<Route> routes_via_gateways(const std::vector<IpConfig>& ips,
                                       const std::vector<Route>& routes) {
    std::vector<Route> filled = routes;
    for (auto& route : filled)
        for (const auto& ip : ips)
            if (!route.gw && ip.gateway && ip.gateway->family() == route.dst.family())
                route.gw = ip.gateway;
    return filled;
}

std::vector<RouteEntry> container_routes(const std::vector<IpConfig>& ips,
                                         const std::vector<Route>& routes, int ifindex) {
    std::vector<RouteEntry> entries;
    for (const auto& ip : ips) {
        if (!ip.gateway) continue;
        entries.push_back({.dst = IpPrefix::host(*ip.gateway),
                           .source = ip.address.address(),
                           .ifindex = ifindex,
                           .scope = RT_SCOPE_LINK});
        entries.push_back({.dst = ip.address.network(),
                           .gateway = ip.gateway,
                           .source = ip.address.address(),
                           .ifindex = ifindex});
    }
    auto unsigned_or = [](std::optional<int> value) -> std::optional<std::uint32_t> {
        if (!value) return std::nullopt;
        return static_cast<std::uint32_t>(*value);
    };
    for (const auto& route : routes)
        entries.push_back(
            {.dst = route.dst.network(),
             .gateway = route.gw,
             .ifindex = ifindex,
             .scope = static_cast<std::uint8_t>(route.scope.value_or(RT_SCOPE_UNIVERSE)),
             .table = route.table.value_or(RT_TABLE_MAIN),
             .priority = route.priority,
             .mtu = unsigned_or(route.mtu),
             .advmss = unsigned_or(route.advmss)});
    return entries;
}

std::vector<RouteEntry> host_routes(const std::vector<IpConfig>& ips, int host_ifindex) {
    std::vector<RouteEntry> entries;
    for (const auto& ip : ips)
        entries.push_back({.dst = IpPrefix::host(ip.address.address()),
                           .ifindex = host_ifindex,
                           .scope = RT_SCOPE_LINK});
    return entries;
}

std::vector<IpPrefix> host_addresses(const std::vector<IpConfig>& ips) {
    std::vector<IpPrefix> addresses;
    for (const auto& ip : ips)
        if (ip.gateway) addresses.push_back(IpPrefix::host(*ip.gateway));
    return addresses;
}

}  // namespace nsveth
