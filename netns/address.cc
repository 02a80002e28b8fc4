// RTM_NEWADDR and the RTM_GETADDR dump, filtered to one link.
#include "netns/address.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "common/error.h"

namespace nsveth {

unsigned default_address_flags() { return IFA_F_NODAD | IFA_F_NOPREFIXROUTE; }

void add_address(NetlinkBatch& batch, int ifindex, std::string_view ifname,
                 const IpPrefix& address, unsigned flags) {
    NetlinkMessage message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    auto& ifa = message.header<ifaddrmsg>();
    ifa.ifa_family = static_cast<unsigned char>(address.family());
    ifa.ifa_prefixlen = static_cast<unsigned char>(address.length());
    ifa.ifa_index = static_cast<unsigned>(ifindex);
    ifa.ifa_flags = static_cast<unsigned char>(flags);
    message.put_address(IFA_LOCAL, address.address());
    message.put_address(IFA_ADDRESS, address.address());
    message.put_u32(IFA_FLAGS, flags);
    batch.add(message, "add address " + address.to_string() + " to " + std::string(ifname));
}

std::vector<AddressInfo> list_addresses(NetlinkSocket& socket, int ifindex) {
    // With strict checking the kernel dumps only this link's addresses, whatever the number of
    // links (a host with many veths); the filter below still holds on kernels without it.
    socket.try_enable_strict_checking();
    NetlinkMessage message(RTM_GETADDR, 0);
    auto& request = message.header<ifaddrmsg>();
    request.ifa_family = AF_UNSPEC;
    request.ifa_index = static_cast<unsigned>(ifindex);
    std::vector<AddressInfo> addresses;
    socket.dump(message, "list addresses", [&](const nlmsghdr* nlh) {
        const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
        if (static_cast<int>(ifa->ifa_index) != ifindex) return;
        if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return;
        const std::size_t size = ifa->ifa_family == AF_INET ? 4 : 16;
        const nlattr* local = nullptr;
        const nlattr* address = nullptr;
        unsigned flags = ifa->ifa_flags;
        for_each_attribute(nlh, sizeof(ifaddrmsg), [&](const nlattr* attr) {
            auto type = mnl_attr_get_type(attr);
            if ((type == IFA_LOCAL || type == IFA_ADDRESS) &&
                mnl_attr_get_payload_len(attr) == size)
                (type == IFA_LOCAL ? local : address) = attr;
            if (type == IFA_FLAGS && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                flags = mnl_attr_get_u32(attr);
        });
        const nlattr* chosen = local ? local : address;  // IPv4 reports the peer in IFA_ADDRESS
        if (!chosen) return;
        addresses.push_back(
            {IpPrefix(IpAddress::from_bytes(ifa->ifa_family, mnl_attr_get_payload(chosen)),
                      ifa->ifa_prefixlen),
             ifindex, flags});
    });
    return addresses;
}

}  // namespace nsveth
