// Named network namespaces exactly as iproute2's `ip netns add/delete` keeps them: a bind mount of
// the namespace on an empty file under /var/run/netns, which is itself made a shared mount so that
// the mount propagates between mount namespaces. Interoperable both ways with `ip netns`.
#pragma once

#include <string>
#include <string_view>

#include "netns/netns.h"

namespace nsveth {

inline constexpr const char* kNetnsRunDir = "/var/run/netns";

/// A bare namespace name as `ip netns` accepts it: non-empty, no '/', not "." or "..".
bool is_valid_netns_name(std::string_view name);
/// /var/run/netns/NAME
std::string named_netns_path(std::string_view name);

/// Creates the named namespace NAME, leaving the calling thread where it was. Errors carry
/// iproute2's texts, e.g. `Cannot create namespace file "/var/run/netns/x": File exists`.
/// Throws SystemError; on failure nothing is left behind.
Netns create_named_netns(std::string_view name);

/// Names the network namespace of process `pid` NAME (bind-mounts /proc/PID/ns/net as
/// `ip netns attach` does). Throws SystemError with iproute2's texts; on failure nothing is left.
Netns attach_named_netns(std::string_view name, int pid);

/// Removes the named namespace (lazy unmount, then unlink). False when there was no such file.
/// Throws SystemError when the file exists but cannot be removed.
bool delete_named_netns(std::string_view name);

}  // namespace nsveth
