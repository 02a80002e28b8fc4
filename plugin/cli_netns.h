// `nsveth netns …`: named network namespaces managed exactly as `ip netns` manages them (list,
// add, attach, set, delete, identify, pids, exec, monitor, list-id), interoperable both ways.
#pragma once

#include <string>
#include <vector>

#include "plugin/fd_writer.h"

namespace nsveth {

/// Runs `nsveth netns ARGS...` (`args` are the words after "netns"). Listings and help go to
/// `out`, messages (one line per failure) to `err`. Returns the exit status: 0 on success, 1 on
/// failure, 2 on a usage error (nothing is changed then), or the command's own status for exec.
/// Catches every error it reports.
int run_netns_cli(const std::vector<std::string>& args, FdWriter& out, FdWriter& err);

}  // namespace nsveth
