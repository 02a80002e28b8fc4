// Watching named namespaces come and go, as `ip netns monitor` does: inotify on /var/run/netns
// reports each file created there (a namespace being added) and each one removed (deleted).
#pragma once

#include <functional>
#include <string>

namespace nsveth {

struct NetnsEvent {
    enum class Kind { kAdded, kDeleted };
    Kind kind;
    std::string name;
};

/// Watches /var/run/netns (creating it if missing) and calls `on_event` for every file created
/// in or removed from it, until `on_event` returns false. "Added" is reported when the file is
/// created, a moment before the namespace is bound to it. Throws SystemError when the watch
/// cannot be set up or fails, including when the directory itself is removed.
void monitor_named_netns(const std::function<bool(const NetnsEvent&)>& on_event);

}  // namespace nsveth
