// RTM_GETNETCONF for NETCONFA_IFINDEX_ALL, answered with NETCONFA_FORWARDING among others.
#include "netns/netconf.h"

#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <optional>

namespace nsveth {

bool forwarding_enabled(NetlinkSocket& socket, int family) {
    NetlinkMessage message(RTM_GETNETCONF, 0);
    message.header<netconfmsg>().ncm_family = static_cast<unsigned char>(family);
    message.put_u32(NETCONFA_IFINDEX, static_cast<std::uint32_t>(NETCONFA_IFINDEX_ALL));
    const std::string action =
        std::string("read the ") + (family == AF_INET6 ? "IPv6" : "IPv4") + " forwarding setting";
    std::optional<bool> enabled;
    socket.request(message, action, [&enabled](const nlmsghdr* nlh) {
        if (nlh->nlmsg_type != RTM_NEWNETCONF) return;
        for_each_attribute(nlh, sizeof(netconfmsg), [&enabled](const nlattr* attr) {
            if (mnl_attr_get_type(attr) == NETCONFA_FORWARDING &&
                mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                enabled = mnl_attr_get_u32(attr) != 0;
        });
    });
    if (!enabled) socket.fail(ENODATA, action);
    return *enabled;
}

}  // namespace nsveth
