// Interface addresses of both families: adding (optionally without duplicate address detection and
// without the automatic prefix route) and listing.
#pragma once

#include <vector>

#include "common/ip.h"
#include "netns/netlink.h"

namespace nsveth {

struct AddressInfo {
    IpPrefix address;
    int ifindex;
    unsigned flags;  // IFA_F_*
};

/// IFA_F_NODAD | IFA_F_NOPREFIXROUTE, nsveth's default: the address is usable at once and the
/// routes are installed explicitly.
unsigned default_address_flags();

/// Queues the addition of `address` to link `ifindex` in `batch` (`ifname` names it in messages);
/// NetlinkSocket::commit sends it.
void add_address(NetlinkBatch& batch, int ifindex, std::string_view ifname,
                 const IpPrefix& address, unsigned flags);

/// Every address on link `ifindex`. Throws SystemError.
std::vector<AddressInfo> list_addresses(NetlinkSocket& socket, int ifindex);

}  // namespace nsveth
