// RTM_NEWROUTE and the RTM_GETROUTE dump.
#include "netns/route.h"

#include <linux/rtnetlink.h>

#include "common/error.h"

namespace nsveth {

void add_route(NetlinkBatch& batch, const RouteEntry& route, std::string_view ifname) {
    NetlinkMessage message(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    auto& rtm = message.header<rtmsg>();
    rtm.rtm_family = static_cast<unsigned char>(route.dst.family());
    rtm.rtm_dst_len = static_cast<unsigned char>(route.dst.length());
    rtm.rtm_table = static_cast<unsigned char>(route.table < 256 ? route.table : RT_TABLE_UNSPEC);
    rtm.rtm_protocol = RTPROT_BOOT;
    rtm.rtm_scope = route.scope;
    rtm.rtm_type = RTN_UNICAST;
    message.put_u32(RTA_TABLE, route.table);
    message.put_address(RTA_DST, route.dst.first());
    if (route.gateway) message.put_address(RTA_GATEWAY, *route.gateway);
    if (route.source) message.put_address(RTA_PREFSRC, *route.source);
    message.put_u32(RTA_OIF, static_cast<std::uint32_t>(route.ifindex));
    if (route.priority) message.put_u32(RTA_PRIORITY, *route.priority);
    if (route.mtu || route.advmss) {
        auto metrics = message.nest(RTA_METRICS);
        if (route.mtu) message.put_u32(RTAX_MTU, *route.mtu);
        if (route.advmss) message.put_u32(RTAX_ADVMSS, *route.advmss);
    }
    std::string action = "add route " + route.dst.to_string();
    if (route.gateway) action += " via " + route.gateway->to_string();
    batch.add(message, action + " dev " + std::string(ifname));
}

std::vector<RouteEntry> list_routes(NetlinkSocket& socket, int family, std::uint32_t table,
                                    int ifindex) {
    // With strict checking the kernel filters by table and output link itself, so the dump does
    // not grow with the other links' routes; the filters below still hold without it.
    socket.try_enable_strict_checking();
    NetlinkMessage message(RTM_GETROUTE, 0);
    message.header<rtmsg>().rtm_family = static_cast<unsigned char>(family);
    message.put_u32(RTA_TABLE, table);
    if (ifindex) message.put_u32(RTA_OIF, static_cast<std::uint32_t>(ifindex));
    std::vector<RouteEntry> routes;
    socket.dump(message, "list routes", [&](const nlmsghdr* nlh) {
        const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
        const int found = rtm->rtm_family;
        if ((found != AF_INET && found != AF_INET6) || (family != AF_UNSPEC && found != family) ||
            rtm->rtm_type != RTN_UNICAST)
            return;
        const std::size_t size = found == AF_INET ? 4 : 16;
        static constexpr unsigned char kZero[16] = {};
        RouteEntry route{.dst = IpPrefix(IpAddress::from_bytes(found, kZero), rtm->rtm_dst_len)};
        route.scope = rtm->rtm_scope;
        route.table = rtm->rtm_table;
        for_each_attribute(nlh, sizeof(rtmsg), [&](const nlattr* attr) {
            auto type = mnl_attr_get_type(attr);
            bool is_address = mnl_attr_get_payload_len(attr) == size;
            auto address = [&] { return IpAddress::from_bytes(found, mnl_attr_get_payload(attr)); };
            switch (type) {
                case RTA_DST:
                    if (is_address) route.dst = IpPrefix(address(), rtm->rtm_dst_len);
                    break;
                case RTA_GATEWAY:
                    if (is_address) route.gateway = address();
                    break;
                case RTA_PREFSRC:
                    if (is_address) route.source = address();
                    break;
                case RTA_OIF:
                    if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                        route.ifindex = static_cast<int>(mnl_attr_get_u32(attr));
                    break;
                case RTA_TABLE:
                    if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                        route.table = mnl_attr_get_u32(attr);
                    break;
                case RTA_PRIORITY:
                    if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                        route.priority = mnl_attr_get_u32(attr);
                    break;
                case RTA_METRICS:
                    for_each_nested(attr, [&route](const nlattr* metric) {
                        if (mnl_attr_validate(metric, MNL_TYPE_U32) < 0) return;
                        if (mnl_attr_get_type(metric) == RTAX_MTU)
                            route.mtu = mnl_attr_get_u32(metric);
                        if (mnl_attr_get_type(metric) == RTAX_ADVMSS)
                            route.advmss = mnl_attr_get_u32(metric);
                    });
                    break;
            }
        });
        if (route.table == table && (!ifindex || route.ifindex == ifindex)) routes.push_back(route);
    });
    return routes;
}

}  // namespace nsveth
