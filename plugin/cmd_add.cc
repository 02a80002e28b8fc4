// ADD: validate everything, then namespace -> addresses -> veth -> inside -> outside -> result.
// Each side effect pushes its undo step; only the last line commits.
#include <linux/if_addr.h>
#include <sys/socket.h>

#include <cerrno>

#include "common/error.h"
#include "common/undo.h"
#include "netns/address.h"
#include "netns/link.h"
#include "netns/masquerade.h"
#include "netns/named_netns.h"
#include "netns/netconf.h"
#include "netns/sysctl.h"
#include "plugin/attachment.h"
#include "plugin/cni_args.h"
#include "plugin/commands.h"
#include "plugin/created_netns.h"
#include "plugin/ipam_client.h"
#include "plugin/ptp_routes.h"
#include "plugin/runtime_options.h"

namespace nsveth {

namespace {

/// Opens CNI_NETNS; a bare name that does not exist yet is created (and its removal queued).
/// Sets `created` when it did so.
Netns open_or_create(const NetnsTarget& target, UndoStack& undo, bool& created) {
    created = false;
    if (target.name.empty()) return Netns::open(target.path);
    if (auto existing = Netns::open_if_present(target.path)) return std::move(*existing);
    Netns netns = create_named_netns(target.name);
    undo.push([name = target.name] { delete_named_netns(name); });
    created = true;
    return netns;
}

LinkInfo require_link(NetlinkSocket& socket, const std::string& name) {
    auto link = find_link(socket, name);
    if (!link) socket.fail(ENODEV, "look up link " + name);
    return *link;
}

bool uses_family(const std::vector<IpConfig>& ips, bool v4) {
    for (const auto& ip : ips)
        if (ip.address.address().is_v4() == v4) return true;
    return false;
}

bool uses_ipv6(const std::vector<IpConfig>& ips) { return uses_family(ips, false); }

/// Writes `value` to the sysctl `path` unless `is_set` finds it set in the link's IPv6 settings,
/// which came with the link over netlink: reading the path instead would cost time in proportion
/// to the namespaces on the host (netns/netconf.h). A link without them (a kernel that reports
/// none) falls back to reading the path.
template <typename IsSet>
void ensure_ipv6_setting(const LinkInfo& link, IsSet is_set, const std::string& path,
                         std::string_view value) {
    if (!link.ipv6) ensure_sysctl(path, value);
    else if (!is_set(*link.ipv6)) write_sysctl(path, value);
}

/// Per-interface IPv6 settings inside the namespace, before any address: IPv6 on (lo and the
/// interface), no duplicate address detection (IPAM guarantees uniqueness; DAD would hold the
/// addresses back for a second or more), and addresses kept while the link is down.
void prepare_ipv6(const Netns& netns, const LinkInfo& lo, const LinkInfo& link) {
    NetnsGuard inside(netns);
    for (const LinkInfo* each : {&lo, &link})
        ensure_ipv6_setting(
            *each, [](const LinkIpv6Conf& conf) { return !conf.disabled; },
            "net/ipv6/conf/" + each->name + "/disable_ipv6", "0");
    write_sysctl("net/ipv6/conf/" + link.name + "/accept_dad", "0");
    write_sysctl("net/ipv6/conf/" + link.name + "/keep_addr_on_down", "1");
}

/// The kernel drops IPv6 from a link whose MTU is below 1280 (RFC 8200), so IPv6 addresses on a
/// smaller configured MTU would fail later with an obscure sysctl error.
void require_ipv6_mtu(int mtu, const Result& ipam_result) {
    constexpr int kMinIpv6Mtu = 1280;
    if (mtu == 0 || mtu >= kMinIpv6Mtu) return;
    for (const auto& ip : ipam_result.ips)
        if (!ip.address.address().is_v4())
            throw CniError(kInvalidConfig, "mtu " + std::to_string(mtu) + " is below " +
                                               std::to_string(kMinIpv6Mtu) +
                                               ", the minimum for IPv6, and IPAM assigned " +
                                               ip.address.to_string());
}

/// Whether ADD may change lo from `before`: bring it up, or switch IPv6 on for it.
bool may_change_loopback(const LinkInfo& before) {
    return !before.is_up() || (before.ipv6 && before.ipv6->disabled);
}

/// The undo of what ADD may have changed on lo of the namespace at `path`, registered just
/// before ADD changes it. Runs from an undo step, after the objects of cmd_add are gone, so it
/// opens the namespace again.
void restore_loopback(const std::string& path, const LinkInfo& before) {
    const Netns netns = Netns::open(path);
    NetnsGuard inside(netns);
    if (before.ipv6 && before.ipv6->disabled)
        write_sysctl("net/ipv6/conf/" + before.name + "/disable_ipv6", "1");
    if (!before.is_up()) {
        NetlinkSocket socket = NetlinkSocket::open(path);
        set_link_down(socket, before.index, before.name);
    }
}

/// Turns forwarding on for `family` unless it is on already.
void ensure_forwarding(NetlinkSocket& socket, int family) {
    if (forwarding_enabled(socket, family)) return;
    write_sysctl(family == AF_INET ? "net/ipv4/ip_forward" : "net/ipv6/conf/all/forwarding", "1");
}

/// Brings up lo and the interface `link`, adds the addresses and routes, all in one netlink round
/// trip.
void configure_container(NetlinkSocket& socket, const LinkInfo& link,
                         const std::vector<IpConfig>& ips, const std::vector<Route>& routes) {
    const std::string& ifname = link.name;
    NetlinkBatch batch;
    set_link_up(batch, kLoopbackIndex, "lo");  // no-op when it is up already
    for (const auto& ip : ips)
        add_address(batch, link.index, ifname, ip.address, default_address_flags());
    set_link_up(batch, link.index, ifname);
    for (const auto& route : container_routes(ips, routes, link.index))
        add_route(batch, route, ifname);
    socket.commit(batch);
}

void configure_host(NetlinkSocket& socket, const std::string& host_name,
                    const std::vector<IpConfig>& ips) {
    const LinkInfo link = require_link(socket, host_name);
    if (uses_ipv6(ips))
        ensure_ipv6_setting(
            link, [](const LinkIpv6Conf& conf) { return conf.accept_ra == 0; },
            "net/ipv6/conf/" + host_name + "/accept_ra", "0");
    NetlinkBatch batch;
    for (const auto& address : host_addresses(ips))
        add_address(batch, link.index, host_name, address, IFA_F_NODAD);
    set_link_up(batch, link.index, host_name);
    for (const auto& route : host_routes(ips, link.index)) add_route(batch, route, host_name);
    socket.commit(batch);
}

/// Host-wide forwarding for the families in use: the last change ADD makes, because it has no
/// undo (another attachment may need it by then), so no later failure can leave it switched on.
void enable_forwarding(NetlinkSocket& socket, const std::vector<IpConfig>& ips) {
    if (uses_family(ips, true)) ensure_forwarding(socket, AF_INET);
    if (uses_ipv6(ips)) ensure_forwarding(socket, AF_INET6);
}

/// create_veth, with a name taken by someone else, on either side, reported as such (nothing of
/// theirs is undone).
void create_veth_or_explain(NetlinkSocket& host, NetlinkSocket& container, const VethPair& pair,
                            const std::string& container_id) {
    try {
        create_veth(host, pair);
    } catch (const SystemError& error) {
        if (error.error() != EEXIST) throw;
        if (find_link(host, pair.host_name))
            throw CniError(kAlreadyExists, "host interface " + pair.host_name +
                                               " for container " + container_id +
                                               " already exists");
        if (find_link(container, pair.peer_name))
            throw CniError(kAlreadyExists, "interface " + pair.peer_name + " already exists in " +
                                               pair.peer_netns->path());
        throw;
    }
}

/// The IPAM result as our interface's ips: ptp routing needs a gateway for every address.
std::vector<IpConfig> our_ips(const Result& ipam_result, int interface_index) {
    std::vector<IpConfig> ips;
    for (const auto& ip : ipam_result.ips) {
        if (!ip.gateway)
            throw CniError(kInvalidConfig,
                           "IPAM returned " + ip.address.to_string() + " without a gateway");
        ips.push_back({ip.address, ip.gateway, interface_index});
    }
    return ips;
}

}  // namespace

Result cmd_add(const Invocation& invocation) {
    const CniEnv& env = invocation.cni;
    const NetConfig& config = invocation.config;
    const auto ipam = make_ipam_client(invocation);
    const RuntimeOptions options = runtime_options(config.raw, parse_cni_args(env.args));
    const NetnsTarget target = resolve_netns(env.netns);
    const std::string host_name = host_veth_name(env.container_id, env.ifname);
    NetlinkSocket host = NetlinkSocket::open("host");
    // Held until the end, so a namespace this ADD creates and may still delete has no other user.
    const Fd naming = target.name.empty() ? Fd() : lock_named_netns_use();
    UndoStack undo;  // after everything its steps use, so it runs before they are destroyed

    bool created_netns = false;
    Netns netns = open_or_create(target, undo, created_netns);
    if (netns.same_as(Netns::current()))
        throw CniError(kInvalidEnvironment,
                       "CNI_NETNS " + target.path + " is the plugin's own network namespace");
    NetlinkSocket container = [&] {
        NetnsGuard inside(netns);
        return NetlinkSocket::open(target.path);
    }();

    const Result ipam_result = ipam->add();
    undo.push([&] { ipam->del(); });
    require_ipv6_mtu(config.mtu, ipam_result);

    create_veth_or_explain(host, container,
                           {host_name, env.ifname, &netns, config.mtu, options.mac},
                           env.container_id);
    undo.push([&] { try_delete_link(host, host_name); });

    Result result = config.prev_result.value_or(Result{});
    const auto ips = our_ips(ipam_result, static_cast<int>(result.interfaces.size()) + 1);
    const std::vector<Route> routes = routes_via_gateways(ips, ipam_result.routes);

    const LinkInfo container_link = require_link(container, env.ifname);
    // lo as it is right before ADD brings it up (and, for IPv6, switches IPv6 on for it): a
    // failed ADD puts it back. (An interface already called CNI_IFNAME showed up when creating
    // the pair.)
    const LinkInfo lo = require_link(container, "lo");
    if (may_change_loopback(lo))
        undo.push([path = target.path, lo] { restore_loopback(path, lo); });
    if (uses_ipv6(ips)) prepare_ipv6(netns, lo, container_link);
    configure_container(container, container_link, ips, routes);
    configure_host(host, host_name, ips);
    if (config.ip_masq) {
        const MasqueradeOwner owner{config.name, env.container_id, env.ifname};
        std::vector<IpPrefix> addresses;
        for (const auto& ip : ips) addresses.push_back(ip.address);
        add_masquerade(owner, addresses);
        undo.push([owner] { remove_masquerade(owner); });
    }

    // Read the host end back: udev may have changed its MAC (MACAddressPolicy). Nothing
    // rewrites the container end's inside the namespace.
    const LinkInfo host_link = require_link(host, host_name);
    result.interfaces.push_back({host_name, host_link.mac, host_link.mtu, ""});
    result.interfaces.push_back({env.ifname, container_link.mac, container_link.mtu, target.path});
    result.ips.insert(result.ips.end(), ips.begin(), ips.end());
    result.routes.insert(result.routes.end(), routes.begin(), routes.end());
    // Most specific wins: the runtime's dns capability, then the configuration, then IPAM; when
    // none of them has any, a previous plugin's DNS passes through.
    if (!options.dns.empty())
        result.dns = options.dns;
    else if (!config.dns.empty())
        result.dns = config.dns;
    else if (!ipam_result.dns.empty())
        result.dns = ipam_result.dns;

    if (!target.name.empty()) {
        const auto cookie = socket_netns_cookie(container.fd());
        bool recorded = true;
        if (created_netns)
            record_created_netns(target.name, cookie, env.container_id, env.ifname);
        else
            recorded = record_netns_user(target.name, cookie, env.container_id, env.ifname);
        if (recorded)
            undo.push([&] { forget_netns_user(target.name, env.container_id, env.ifname); });
    }
    enable_forwarding(host, ips);
    undo.commit();
    return result;
}

}  // namespace nsveth
