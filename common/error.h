// The two kinds of failure nsveth knows. A SystemError is a failed system call or netlink request
// (errno, what was attempted on which object, the kernel's extended-ack text). A CniError is a
// protocol-level failure with a code from the CNI specification. Only plugin/run.cc catches them;
// everything else lets them travel, so every error path also runs the destructors that undo work.
#pragma once

#include <stdexcept>
#include <string>

namespace nsveth {

/// Error codes of the CNI specification (SPEC.md "Error"), plus nsveth's own codes >= 100.
enum CniCode : int {
    kIncompatibleVersion = 1,
    kUnsupportedField = 2,
    kUnknownContainer = 3,
    kInvalidEnvironment = 4,
    kIoFailure = 5,
    kDecodeFailure = 6,
    kInvalidConfig = 7,
    kTryAgainLater = 11,
    kPluginNotAvailable = 50,
    kLimitedConnectivity = 51,
    kSystemFailure = 100,   // a system call or netlink request failed (see msg)
    kCheckFailed = 101,     // CHECK found the attachment differs from what ADD left
    kAddressExhausted = 102,  // IPAM has no free address in a range set
    kAlreadyExists = 103,   // an interface ADD would create exists already
    kAddressUnavailable = 104,  // a requested address cannot be reserved
};

class CniError : public std::runtime_error {
public:
    CniError(int code, const std::string& msg, std::string details = {})
        : std::runtime_error(msg), code_(code), details_(std::move(details)) {}
    int code() const { return code_; }
    const std::string& details() const { return details_; }

private:
    int code_;
    std::string details_;
};

class SystemError : public std::runtime_error {
public:
    /// `action` names the operation and its object, e.g. "add address 10.1.0.5/24 to eth0".
    SystemError(int error, const std::string& action, const std::string& kernel_text = {});
    int error() const { return error_; }

private:
    int error_;
};

/// Throws SystemError(errno, action) — for the usual `if (call() < 0) throw_errno(...)`.
[[noreturn]] void throw_errno(const std::string& action);

}  // namespace nsveth
