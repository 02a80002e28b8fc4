// Names derived from an attachment (the namespace CNI_NETNS points at, the host veth's name),
// and the host veth itself.
#include "plugin/attachment.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "common/error.h"
#include "common/hex.h"
#include "netns/link.h"
#include "netns/named_netns.h"
#include "netns/route.h"

namespace nsveth {

NetnsTarget resolve_netns(std::string_view cni_netns) {
    if (cni_netns.find('/') != std::string_view::npos) return {std::string(cni_netns), {}};
    if (!is_valid_netns_name(cni_netns))
        throw CniError(kInvalidEnvironment, "invalid CNI_NETNS \"" + std::string(cni_netns) +
                                                "\": neither a path nor a valid namespace name");
    return {named_netns_path(cni_netns), std::string(cni_netns)};
}

std::string host_veth_name(std::string_view container_id, std::string_view ifname) {
    // FNV-1a over "containerID/ifname": '/' cannot occur in either, so the split is unambiguous.
    std::uint64_t hash = 14695981039346656037ull;
    auto mix = [&hash](std::string_view bytes) {
        for (unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
    };
    mix(container_id);
    mix("/");
    mix(ifname);
    std::string name = "veth";
    append_hex(name, hash >> 20, 11);  // 44 bits = 11 hex digits: 15 characters, IFNAMSIZ - 1
    return name;
}

bool is_host_veth(const LinkInfo& link) { return link.kind == "veth" && link.peer_elsewhere; }

void delete_host_veth(NetlinkSocket& host, std::string_view container_id, std::string_view ifname,
                      const std::vector<IpAddress>* routed) {
    const std::string name = host_veth_name(container_id, ifname);
    const auto link = find_link(host, name);
    if (!link) return;
    if (!is_host_veth(*link)) {
        std::fprintf(stderr, "nsveth: left link %s alone: not a veth with its peer in another "
                             "namespace, so not ours\n", name.c_str());
        return;
    }
    if (routed) {
        const auto routes = list_routes(host, AF_UNSPEC, RT_TABLE_MAIN, link->index);
        const bool routes_one = std::any_of(routes.begin(), routes.end(), [&](const RouteEntry& r) {
            return r.dst.length() == r.dst.address().bit_length() &&
                   std::find(routed->begin(), routed->end(), r.dst.address()) != routed->end();
        });
        if (!routes_one) return;  // another network's attachment of the same name
    }
    try_delete_link(host, *link);
}

}  // namespace nsveth
