// Turns any exception into the spec's error document. Transient system errors get code 11 so a
// runtime knows that retrying the same request may succeed; every other system error is nsveth's
// own code 100, with the operation, object and kernel text in msg.
#include "plugin/cni_error.h"

#include <cerrno>
#include <string>

#include "common/error.h"
#include "plugin/version.h"

namespace nsveth {

namespace {

bool is_transient(int error) {
    // EWOULDBLOCK equals EAGAIN on Linux; it is listed for the platforms where it does not.
    return error == EAGAIN || error == EWOULDBLOCK || error == EBUSY || error == EINTR ||
           error == ETIMEDOUT;
}

}  // namespace

nlohmann::json render_error(const std::exception& error, std::string_view version) {
    int code = kSystemFailure;
    std::string details;
    if (const auto* cni = dynamic_cast<const CniError*>(&error)) {
        code = cni->code();
        details = cni->details();
    } else if (const auto* system = dynamic_cast<const SystemError*>(&error)) {
        code = is_transient(system->error()) ? kTryAgainLater : kSystemFailure;
    }
    nlohmann::json out = {
        {"cniVersion", std::string(version.empty() ? kSupportedVersions.back() : version)},
        {"code", code},
        {"msg", error.what()},
    };
    if (!details.empty()) out["details"] = details;
    return out;
}

}  // namespace nsveth
