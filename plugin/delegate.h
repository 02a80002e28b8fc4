// The CNI delegation protocol (SPEC.md section 4): find a plugin binary in CNI_PATH, run it with
// the caller's environment (only CNI_COMMAND changed) and the caller's stdin, pass its stderr
// through, and turn its answer into a result document or a CniError.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "plugin/environment.h"

namespace nsveth {

/// Runs plugin `type` for `command`, in the process environment with the variables of `env` set
/// over it and CNI_COMMAND set to `command`. Returns its stdout parsed as JSON (null when it
/// printed nothing). Throws CniError: the delegate's own error document (code, msg, details) with
/// the msg prefixed by the plugin's name; kInvalidConfig when `type` is not found in CNI_PATH;
/// kSystemFailure when it fails without a readable error document.
nlohmann::json exec_delegate(const std::string& type, const Environment& env,
                             std::string_view command, std::string_view input);

/// Whether plugin `type`, as exec_delegate would find it in CNI_PATH, is the running executable
/// itself (the same file under any name or link). Throws like exec_delegate when it is not found.
bool delegate_is_self(const std::string& type, const Environment& env);

}  // namespace nsveth
