// Finding named namespaces and their members, as `ip netns list/identify/pids` do: the names under
// /var/run/netns in directory order, opening one by name with iproute2's error text, and matching
// namespaces by identity — the nsfs inode (st_dev, st_ino) behind a bind mount or /proc/PID/ns/net.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "netns/netns.h"

namespace nsveth {

/// What makes two namespace handles the same namespace.
struct NetnsIdentity {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(const NetnsIdentity&) const = default;
};

/// The entries of /var/run/netns (without "." and ".."), in directory order; empty when the
/// directory does not exist. Throws SystemError when it cannot be read.
std::vector<std::string> list_named_netns();

/// Opens named namespace NAME. Throws SystemError `Cannot open network namespace "NAME": ...`
/// (EINVAL when the file exists but no namespace is bound to it).
Netns open_named_netns(std::string_view name);

/// The identity of the namespace `netns` holds open. Throws SystemError.
NetnsIdentity identity_of(const Netns& netns);

/// The identity of the network namespace of process `pid` ("self" or a number). Throws
/// SystemError `Cannot open network namespace of process PID: ...`.
NetnsIdentity identity_of_process(std::string_view pid);

/// The names under /var/run/netns bound to namespace `id`, in directory order. Throws
/// SystemError when the directory exists but cannot be read.
std::vector<std::string> names_of_netns(const NetnsIdentity& id);

/// The processes whose network namespace is `id`, in /proc order. Processes that exit while
/// /proc is read are skipped. Throws SystemError when /proc cannot be read.
std::vector<int> pids_in_netns(const NetnsIdentity& id);

}  // namespace nsveth
