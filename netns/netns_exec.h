// Running a command inside a named namespace the way `ip netns exec` does. A forked child enters
// the namespace, takes a mount namespace of its own whose mounts never propagate back, mounts a
// sysfs that describes the new network namespace (/sys/class/net would otherwise still show the
// old one), binds /etc/netns/NAME/* over /etc/* and executes the command. The parent never
// switches namespaces; it only waits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nsveth {

/// Runs `argv` (argv[0] looked up in PATH) inside named namespace `name` and waits for it.
/// Returns its exit status, or 128 + the signal that ended it. Throws SystemError when the
/// namespace cannot be opened or the child cannot be started; failures inside the child are
/// printed on stderr by the child, which then exits 1 (setup), 126 (exec refused) or 127 (no
/// such command). Stdio buffers are flushed first so no output is duplicated or reordered.
int exec_in_named_netns(std::string_view name, const std::vector<std::string>& argv);

}  // namespace nsveth
