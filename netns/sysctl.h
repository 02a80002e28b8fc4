// Kernel parameters under /proc/sys, addressed with slash-separated paths ("net/ipv4/ip_forward",
// "net/ipv6/conf/eth0.5/accept_ra") so interface names with dots need no escaping. /proc/sys/net
// answers for the namespace of the thread that opens the file.
#pragma once

#include <string>
#include <string_view>

namespace nsveth {

/// The value of /proc/sys/<path>, without the trailing newline. Throws SystemError.
std::string read_sysctl(std::string_view path);
/// Writes `value` to /proc/sys/<path>. Throws SystemError.
void write_sysctl(std::string_view path, std::string_view value);
/// Writes `value` only when the current value differs (a read is cheaper than a write that
/// triggers kernel notifications). Throws SystemError.
void ensure_sysctl(std::string_view path, std::string_view value);

}  // namespace nsveth
