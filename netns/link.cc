// RTM_NEWLINK / RTM_GETLINK / RTM_DELLINK requests and the parsing of link replies.
#include "netns/link.h"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/error.h"
#include "common/mac.h"

namespace nsveth {

namespace {

/// A string attribute whether or not the kernel NUL-terminated it.
std::string attribute_string(const nlattr* attr) {
    const char* text = static_cast<const char*>(mnl_attr_get_payload(attr));
    return std::string(text, strnlen(text, mnl_attr_get_payload_len(attr)));
}

/// IFLA_INET6_CONF: one 32-bit value per DEVCONF_* index, as many as the kernel knows.
std::optional<LinkIpv6Conf> parse_ipv6_conf(const nlattr* conf) {
    const std::size_t count = mnl_attr_get_payload_len(conf) / sizeof(std::int32_t);
    if (count <= DEVCONF_DISABLE_IPV6 || count <= DEVCONF_ACCEPT_RA) return std::nullopt;
    const auto value = [conf](std::size_t index) {
        std::int32_t v;
        std::memcpy(&v, static_cast<const char*>(mnl_attr_get_payload(conf)) + index * sizeof v,
                    sizeof v);
        return v;
    };
    return LinkIpv6Conf{value(DEVCONF_DISABLE_IPV6) != 0, value(DEVCONF_ACCEPT_RA)};
}

LinkInfo parse_link(const nlmsghdr* nlh) {
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    LinkInfo link;
    link.index = ifi->ifi_index;
    link.flags = ifi->ifi_flags;
    for_each_attribute(nlh, sizeof(ifinfomsg), [&link](const nlattr* attr) {
        switch (mnl_attr_get_type(attr)) {
            case IFLA_IFNAME:
                link.name = attribute_string(attr);
                break;
            case IFLA_MTU:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                    link.mtu = static_cast<int>(mnl_attr_get_u32(attr));
                break;
            case IFLA_ADDRESS:
                link.mac = format_mac(static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr)),
                                      mnl_attr_get_payload_len(attr));
                break;
            case IFLA_LINK_NETNSID:
                link.peer_elsewhere = true;
                break;
            case IFLA_LINKINFO:
                for_each_nested(attr, [&link](const nlattr* info) {
                    if (mnl_attr_get_type(info) == IFLA_INFO_KIND)
                        link.kind = attribute_string(info);
                });
                break;
            case IFLA_AF_SPEC:
                for_each_nested(attr, [&link](const nlattr* family) {
                    if (mnl_attr_get_type(family) != AF_INET6) return;
                    for_each_nested(family, [&link](const nlattr* setting) {
                        if (mnl_attr_get_type(setting) == IFLA_INET6_CONF)
                            link.ipv6 = parse_ipv6_conf(setting);
                    });
                });
                break;
        }
    });
    return link;
}

/// RTM_NEWLINK that sets (`up`) or clears IFF_UP on link `index` and changes nothing else.
NetlinkMessage link_state_message(int index, bool up) {
    NetlinkMessage message(RTM_NEWLINK, 0);
    auto& ifi = message.header<ifinfomsg>();
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = index;
    ifi.ifi_flags = up ? IFF_UP : 0;
    ifi.ifi_change = IFF_UP;
    return message;
}

/// Sends RTM_DELLINK `message` for the link `name`; false when it did not exist.
bool send_delete(NetlinkSocket& socket, NetlinkMessage& message, std::string_view name) {
    const int error = socket.try_request(message);
    if (error == ENODEV) return false;
    if (error) socket.fail(error, "delete link " + std::string(name));
    return true;
}

}  // namespace

bool LinkInfo::is_up() const { return flags & IFF_UP; }

void create_veth(NetlinkSocket& socket, const VethPair& pair) {
    NetlinkMessage message(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    message.header<ifinfomsg>().ifi_family = AF_UNSPEC;
    message.put_string(IFLA_IFNAME, pair.host_name);
    if (pair.mtu) message.put_u32(IFLA_MTU, pair.mtu);
    {
        auto linkinfo = message.nest(IFLA_LINKINFO);
        message.put_string(IFLA_INFO_KIND, "veth");
        auto data = message.nest(IFLA_INFO_DATA);
        auto peer = message.nest(VETH_INFO_PEER);
        message.header<ifinfomsg>().ifi_family = AF_UNSPEC;
        message.put_string(IFLA_IFNAME, pair.peer_name);
        message.put_u32(IFLA_NET_NS_FD, pair.peer_netns->fd());
        if (pair.mtu) message.put_u32(IFLA_MTU, pair.mtu);
        if (pair.peer_mac) message.put(IFLA_ADDRESS, pair.peer_mac->data(), pair.peer_mac->size());
    }
    socket.request(message, "create veth " + pair.host_name + " with peer " + pair.peer_name +
                                " in " + pair.peer_netns->path());
}

std::optional<LinkInfo> find_link(NetlinkSocket& socket, std::string_view name) {
    NetlinkMessage message(RTM_GETLINK, 0);
    message.header<ifinfomsg>().ifi_family = AF_UNSPEC;
    message.put_string(IFLA_IFNAME, name);
    message.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    std::optional<LinkInfo> link;
    int error = socket.try_request(message, [&link](const nlmsghdr* nlh) {
        if (nlh->nlmsg_type == RTM_NEWLINK) link = parse_link(nlh);
    });
    if (error == ENODEV) return std::nullopt;
    if (error) socket.fail(error, "look up link " + std::string(name));
    return link;
}

void set_link_up(NetlinkBatch& batch, int index, std::string_view name) {
    NetlinkMessage message = link_state_message(index, true);
    batch.add(message, "set link " + std::string(name) + " up");
}

void set_link_down(NetlinkSocket& socket, int index, std::string_view name) {
    NetlinkMessage message = link_state_message(index, false);
    socket.request(message, "set link " + std::string(name) + " down");
}

bool try_delete_link(NetlinkSocket& socket, std::string_view name) {
    NetlinkMessage message(RTM_DELLINK, 0);
    message.header<ifinfomsg>().ifi_family = AF_UNSPEC;
    message.put_string(IFLA_IFNAME, name);
    return send_delete(socket, message, name);
}

bool try_delete_link(NetlinkSocket& socket, const LinkInfo& link) {
    NetlinkMessage message(RTM_DELLINK, 0);
    auto& ifi = message.header<ifinfomsg>();
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = link.index;
    return send_delete(socket, message, link.name);
}

}  // namespace nsveth
