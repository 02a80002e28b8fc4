// The plugin's single entry point: dispatch one CNI invocation and write its one JSON document.
#pragma once

#include <ostream>
#include <string_view>

#include "plugin/environment.h"

namespace nsveth {

/// Runs the command named by CNI_COMMAND in `env` with `input` as stdin. Writes exactly one JSON
/// document (ADD result, VERSION answer, or error) to `out`, or nothing (DEL/CHECK success).
/// Returns the process exit status. The only place that catches nsveth's exceptions.
int run(const Environment& env, std::string_view input, std::ostream& out);

}  // namespace nsveth
