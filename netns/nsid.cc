// RTM_NEWNSID / RTM_GETNSID requests (header rtgenmsg, attributes NETNSA_*) and their replies.
#include "netns/nsid.h"

#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "common/error.h"

namespace nsveth {

namespace {

void put_header(NetlinkMessage& message) { message.header<rtgenmsg>().rtgen_family = AF_UNSPEC; }

void put_s32(NetlinkMessage& message, std::uint16_t type, int value) {
    message.put_u32(type, static_cast<std::uint32_t>(value));
}

/// A NETNSA_* s32 attribute, or nullopt when it is malformed.
std::optional<int> read_s32(const nlattr* attr) {
    if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) return std::nullopt;
    return static_cast<int>(mnl_attr_get_u32(attr));
}

std::optional<NsidEntry> parse_entry(const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != RTM_NEWNSID) return std::nullopt;
    std::optional<int> nsid, current;
    for_each_attribute(nlh, sizeof(rtgenmsg), [&](const nlattr* attr) {
        switch (mnl_attr_get_type(attr)) {
            case NETNSA_NSID:
                nsid = read_s32(attr);
                break;
            case NETNSA_CURRENT_NSID:
                current = read_s32(attr);
                break;
        }
    });
    if (!nsid) return std::nullopt;
    return NsidEntry{*nsid, current};
}

std::string target_text(std::optional<int> target_nsid) {
    return target_nsid ? " of the namespace with nsid " + std::to_string(*target_nsid) : "";
}

}  // namespace

std::optional<int> find_nsid(NetlinkSocket& socket, const Netns& peer) {
    NetlinkMessage message(RTM_GETNSID, 0);
    put_header(message);
    put_s32(message, NETNSA_FD, peer.fd());
    std::optional<NsidEntry> entry;
    socket.request(message, "get nsid of " + peer.path(),
                   [&entry](const nlmsghdr* nlh) { entry = parse_entry(nlh); });
    if (!entry)
        throw SystemError(EPROTO, "get nsid of " + peer.path() + " (answer without NETNSA_NSID)");
    if (entry->nsid < 0) return std::nullopt;
    return entry->nsid;
}

void set_nsid(NetlinkSocket& socket, const Netns& peer, int nsid) {
    NetlinkMessage message(RTM_NEWNSID, 0);
    put_header(message);
    put_s32(message, NETNSA_FD, peer.fd());
    put_s32(message, NETNSA_NSID, nsid);
    socket.request(message, "set nsid " + (nsid < 0 ? std::string("auto") : std::to_string(nsid)) +
                                " for " + peer.path());
}

std::vector<NsidEntry> list_nsids(NetlinkSocket& socket, std::optional<int> target_nsid) {
    NetlinkMessage message(RTM_GETNSID, 0);
    put_header(message);
    if (target_nsid) put_s32(message, NETNSA_TARGET_NSID, *target_nsid);
    // Without strict checking the kernel ignores the target and dumps the socket's own ids.
    if (target_nsid) socket.enable_strict_checking();
    std::vector<NsidEntry> entries;
    socket.dump(message, "list nsids" + target_text(target_nsid), [&entries](const nlmsghdr* nlh) {
        if (auto entry = parse_entry(nlh)) entries.push_back(*entry);
    });
    return entries;
}

NsidEntry get_nsid_entry(NetlinkSocket& socket, int nsid, std::optional<int> target_nsid) {
    NetlinkMessage message(RTM_GETNSID, 0);
    put_header(message);
    put_s32(message, NETNSA_NSID, nsid);
    if (target_nsid) put_s32(message, NETNSA_TARGET_NSID, *target_nsid);
    const std::string action = "get nsid " + std::to_string(nsid) + target_text(target_nsid);
    std::optional<NsidEntry> entry;
    socket.request(message, action, [&entry](const nlmsghdr* nlh) { entry = parse_entry(nlh); });
    if (!entry) throw SystemError(EPROTO, action + " (answer without NETNSA_NSID)");
    return *entry;
}

}  // namespace nsveth
