// Namespace ids (nsids): the numbers by which one network namespace refers to its peers, assigned
// with RTM_NEWNSID and read with RTM_GETNSID. An id belongs to the namespace of the socket that
// asks, so the same peer may have different ids (or none) in different namespaces.
#pragma once

#include <optional>
#include <vector>

#include "netns/netlink.h"
#include "netns/netns.h"

namespace nsveth {

/// NETNSA_NSID_NOT_ASSIGNED: "no id"; passed to set_nsid it asks the kernel to choose one.
inline constexpr int kNsidUnassigned = -1;

/// One answer of RTM_GETNSID.
struct NsidEntry {
    int nsid = kNsidUnassigned;  // the peer's id in the target namespace (the socket's by default)
    std::optional<int> current_nsid;  // its id in the socket's namespace; sent only with a target
};

/// The id the socket's namespace has for `peer`, nullopt when none is assigned. Throws
/// SystemError.
std::optional<int> find_nsid(NetlinkSocket& socket, const Netns& peer);

/// Assigns `nsid` (kNsidUnassigned: the kernel picks the lowest free one) to `peer` in the
/// socket's namespace. Throws SystemError; EEXIST when the peer has an id or the id is taken.
void set_nsid(NetlinkSocket& socket, const Netns& peer, int nsid);

/// Every id the socket's namespace has assigned or, with `target_nsid`, every id of the namespace
/// the socket's namespace calls `target_nsid` (which switches the socket to strict checking).
/// Throws SystemError.
std::vector<NsidEntry> list_nsids(NetlinkSocket& socket, std::optional<int> target_nsid);

/// The peer the socket's namespace calls `nsid`, as seen from itself or from `target_nsid`.
/// Throws SystemError (EINVAL with the kernel's text when there is no such id).
NsidEntry get_nsid_entry(NetlinkSocket& socket, int nsid, std::optional<int> target_nsid);

}  // namespace nsveth
