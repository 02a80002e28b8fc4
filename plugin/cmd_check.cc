// CHECK: compare the kernel and the IPAM store with prevResult. Reads only; the first difference
// is the error. Extra addresses and routes are allowed (a later plugin may have added them).
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <map>

#include "common/error.h"
#include "netns/address.h"
#include "netns/link.h"
#include "netns/masquerade.h"
#include "netns/route.h"
#include "plugin/attachment.h"
#include "plugin/commands.h"
#include "plugin/ipam_client.h"
#include "plugin/ptp_routes.h"

namespace nsveth {

namespace {

[[noreturn]] void differs(const std::string& what) { throw CniError(kCheckFailed, what); }

LinkInfo expect_veth(NetlinkSocket& socket, const std::string& name) {
    auto link = find_link(socket, name);
    if (!link) differs("interface " + name + " is missing in " + socket.where());
    if (link->kind != "veth")
        differs("interface " + name + " in " + socket.where() + " is no longer a veth");
    return *link;
}

void expect_addresses(NetlinkSocket& socket, const LinkInfo& link,
                      const std::vector<IpPrefix>& expected) {
    const auto present = list_addresses(socket, link.index);
    for (const auto& address : expected) {
        bool found = std::any_of(present.begin(), present.end(), [&](const AddressInfo& info) {
            return info.address == address;
        });
        if (!found)
            differs("address " + address.to_string() + " is missing on " + link.name + " in " +
                    socket.where());
    }
}

// One dump per table and link, of both families at once when both are expected.
void expect_routes(NetlinkSocket& socket, const std::string& ifname,
                   const std::vector<RouteEntry>& expected) {
    std::map<std::pair<std::uint32_t, int>, std::vector<RouteEntry>> present;  // (table, link)
    for (const auto& route : expected) {
        const auto key = std::make_pair(route.table, route.ifindex);
        if (!present.count(key)) {
            int family = route.dst.family();
            for (const auto& other : expected)
                if (std::make_pair(other.table, other.ifindex) == key &&
                    other.dst.family() != family)
                    family = AF_UNSPEC;
            present[key] = list_routes(socket, family, key.first, key.second);
        }
        const auto& candidates = present[key];
        bool found =
            std::any_of(candidates.begin(), candidates.end(), [&](const RouteEntry& entry) {
                return entry.dst == route.dst && entry.gateway == route.gateway &&
                       entry.ifindex == route.ifindex;
            });
        if (!found)
            differs("route " + route.dst.to_string() +
                    (route.gateway ? " via " + route.gateway->to_string() : "") + " dev " +
                    ifname + " table " + std::to_string(route.table) + " is missing in " +
                    socket.where());
    }
}

}  // namespace

void cmd_check(const Invocation& invocation) {
    const CniEnv& env = invocation.cni;
    const NetConfig& config = invocation.config;
    const auto ipam = make_ipam_client(invocation);
    if (!config.prev_result) throw CniError(kInvalidConfig, "CHECK requires prevResult");
    const Result& expected = *config.prev_result;
    const NetnsTarget target = resolve_netns(env.netns);
    Netns netns = Netns::open(target.path);

    // The container interface is the one named CNI_IFNAME in this sandbox; its ips are ours.
    auto ours = std::find_if(expected.interfaces.begin(), expected.interfaces.end(),
                             [&](const Interface& i) {
                                 return i.name == env.ifname && i.sandbox == target.path;
                             });
    if (ours == expected.interfaces.end())
        differs("prevResult has no interface " + env.ifname + " in sandbox " + target.path);
    const int our_index = static_cast<int>(ours - expected.interfaces.begin());
    std::vector<IpConfig> ips;
    for (const auto& ip : expected.ips)
        if (ip.interface == our_index) ips.push_back(ip);

    NetlinkSocket container = [&] {
        NetnsGuard inside(netns);
        return NetlinkSocket::open(target.path);
    }();
    const LinkInfo link = expect_veth(container, env.ifname);
    if (!ours->mac.empty() && ours->mac != link.mac)
        differs("interface " + env.ifname + " has MAC " + link.mac + ", prevResult says " +
                ours->mac);
    std::vector<IpPrefix> addresses;
    for (const auto& ip : ips) addresses.push_back(ip.address);
    expect_addresses(container, link, addresses);
    // Routes via one of our gateways are ours; others may belong to other interfaces.
    std::vector<Route> our_routes;
    for (const auto& route : expected.routes)
        if (std::any_of(ips.begin(), ips.end(), [&](const IpConfig& ip) {
                return route.gw && ip.gateway == route.gw;
            }))
            our_routes.push_back(route);
    expect_routes(container, env.ifname, container_routes(ips, our_routes, link.index));

    NetlinkSocket host = NetlinkSocket::open("host");
    const std::string host_name = host_veth_name(env.container_id, env.ifname);
    const LinkInfo host_link = expect_veth(host, host_name);
    if (!host_link.is_up()) differs("host interface " + host_name + " is down");
    expect_addresses(host, host_link, host_addresses(ips));
    expect_routes(host, host_name, host_routes(ips, host_link.index));

    if (config.ip_masq && !has_masquerade({config.name, env.container_id, env.ifname}, addresses))
        differs("masquerade rules of " + env.container_id + "/" + env.ifname + " in network " +
                config.name + " are missing or changed");
    ipam->check(ips);
}

}  // namespace nsveth
