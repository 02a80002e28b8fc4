// The named namespaces that ADD creates for a bare CNI_NETNS, and who uses them. ADD creates one
// as `ip netns add` would; the last DEL of the attachments that named it removes it again. The
// records live in /run/nsveth/created-netns/<name> (tmpfs: gone with the namespaces at reboot):
//     cookie <SO_NETNS_COOKIE of the namespace nsveth created>
//     attachment <container id> <ifname>      one line per attachment that named it
// The cookie tells a namespace that someone deleted and created again under the same name, which
// is left alone. All of this happens under one lock (lock_named_netns_use), which an ADD naming a
// namespace holds to its end: an ADD that created the namespace may still delete it on failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/fd.h"

namespace nsveth {

/// Takes the lock of every ADD and DEL that names a namespace; held until the Fd is closed.
/// Throws SystemError.
Fd lock_named_netns_use();

/// ADD created the named namespace `name`, whose cookie is `cookie` (socket_netns_cookie;
/// nullopt on old kernels), for (container_id, ifname). Call with the lock held. Throws
/// SystemError.
void record_created_netns(std::string_view name, std::optional<std::uint64_t> cookie,
                          std::string_view container_id, std::string_view ifname);
/// ADD of (container_id, ifname) joined the named namespace `name`, whose cookie is `cookie`:
/// if nsveth created it, the attachment is added to its users. True when it was added (not
/// already listed). Call with the lock held. Throws SystemError.
bool record_netns_user(std::string_view name, std::optional<std::uint64_t> cookie,
                       std::string_view container_id, std::string_view ifname);
/// The undo of either record call for an ADD that fails later: takes (container_id, ifname) off
/// the users of `name`, and the record away with its last user. The namespace is left to the
/// caller. Call with the lock held. Throws SystemError.
void forget_netns_user(std::string_view name, std::string_view container_id,
                       std::string_view ifname);

/// DEL of (container_id, ifname) for the named namespace `name`: takes the attachment off its
/// users and, when it was the last, removes the namespace — unless the name now holds another
/// namespace than the one nsveth created. Takes the lock itself. Throws SystemError.
void release_created_netns(std::string_view name, std::string_view container_id,
                           std::string_view ifname);
/// The same for every created namespace that lists (container_id, ifname), found through the
/// records: for a DEL without CNI_NETNS. Throws SystemError.
void release_created_netns_of(std::string_view container_id, std::string_view ifname);

}  // namespace nsveth
