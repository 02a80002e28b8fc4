// Message formatting for SystemError: "<action>: <strerror>[ (kernel: <extack>)]".
#include "common/error.h"

#include <cerrno>
#include <cstring>

namespace nsveth {

namespace {
std::string format(int error, const std::string& action, const std::string& kernel_text) {
    std::string text = action + ": " + std::strerror(error);
    if (!kernel_text.empty()) text += " (kernel: " + kernel_text + ")";
    return text;
}
}  // namespace

SystemError::SystemError(int error, const std::string& action, const std::string& kernel_text)
    : std::runtime_error(format(error, action, kernel_text)), error_(error) {}

void throw_errno(const std::string& action) { throw SystemError(errno, action); }

}  // namespace nsveth
