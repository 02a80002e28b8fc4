// How a failure reaches the runtime: every exception becomes one CNI error document
// {"cniVersion", "code", "msg", "details"} on stdout and a non-zero exit.
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>

namespace nsveth {

/// Maps any exception to CNI error JSON. CniError keeps its code; SystemError maps to
/// kTryAgainLater for transient errnos (EAGAIN, EBUSY, EINTR, ETIMEDOUT) and kSystemFailure
/// otherwise; anything else to kSystemFailure. `version` is the request's cniVersion (1.1.0 if
/// unknown).
nlohmann::json render_error(const std::exception& error, std::string_view version);

}  // namespace nsveth
