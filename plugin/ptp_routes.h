// The point-to-point routing both ends of an nsveth veth get, derived from the result's ips and
// routes, so that ADD installs and CHECK verifies the very same list. Inside: the gateway as a
// link-scoped host route, the subnet and every configured route via that gateway (veth is no
// point-to-point device, so without this the pod would ARP for every subnet neighbour). Outside:
// the gateway address on the host veth and a host route to each pod address.
#pragma once

#include <vector>

#include "netns/route.h"
#include "plugin/result.h"

namespace nsveth {

/// `routes` with each missing gw filled in with the gateway of the first ip of the same family,
/// as ADD installs and reports them.
std::vector<Route> routes_via_gateways(const std::vector<IpConfig>& ips,
                                       const std::vector<Route>& routes);

/// Routes inside the namespace, on link `ifindex`, for the ips that have a gateway.
std::vector<RouteEntry> container_routes(const std::vector<IpConfig>& ips,
                                         const std::vector<Route>& routes, int ifindex);

/// Host routes to each pod address over the host veth `host_ifindex`.
std::vector<RouteEntry> host_routes(const std::vector<IpConfig>& ips, int host_ifindex);

/// The gateway of each ip as a host prefix (/32, /128), the host veth's addresses.
std::vector<IpPrefix> host_addresses(const std::vector<IpConfig>& ips);

}  // namespace nsveth
