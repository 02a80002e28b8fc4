// `nsveth add|check|del|show|status|gc`: attaching a namespace by hand from a JSON network
// configuration (.conf or .conflist), run as a runtime runs it through libcni, with libcni's
// result cache so the later commands need only the same options.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plugin/fd_writer.h"

namespace nsveth {

/// True for add, check, del, show, status and gc.
bool is_setup_command(std::string_view command);

/// Runs `nsveth COMMAND ARGS...` in the caller's network namespace, which plays the host (host
/// veths and routes go there). Results and listings go to `out`, messages to `err`. Returns
/// 0 on success, 1 when a plugin or the cache failed, 2 for a usage error (bad option, missing or
/// invalid configuration, invalid name), in which case nothing was run. Catches every error.
int run_setup_cli(std::string_view command, const std::vector<std::string>& args, FdWriter& out,
                  FdWriter& err);

}  // namespace nsveth
