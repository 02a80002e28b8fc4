// The CNI_* environment variables of a plugin invocation, read and validated by the
// specification's rules before anything is touched. A variable that is set but empty counts as
// unset, because libcni always sets all six, empty ones included.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace nsveth {

/// The process environment as name -> value; main() builds it from environ.
using Environment = std::map<std::string, std::string, std::less<>>;

enum class Command { kAdd, kDel, kCheck, kVersion, kStatus, kGc };

struct CniEnv {
    Command command = Command::kVersion;
    std::string container_id;  // CNI_CONTAINERID
    std::string netns;         // CNI_NETNS: a path, a bare name under /var/run/netns, or empty
    std::string ifname;        // CNI_IFNAME
    std::string args;          // CNI_ARGS, unparsed
    std::string path;          // CNI_PATH, unparsed
};

/// Reads CNI_COMMAND and the variables that command needs. ADD and CHECK require
/// CNI_CONTAINERID, CNI_NETNS and CNI_IFNAME; DEL requires CNI_CONTAINERID and CNI_IFNAME;
/// VERSION, STATUS and GC require nothing more and ignore the others.
/// Throws CniError(kInvalidEnvironment) naming every missing variable, an unknown command, or an
/// invalid container ID / interface name (with the offending value), or a container ID longer
/// than kMaxContainerIdLength.
CniEnv parse_environment(const Environment& env);

/// The longest CNI_CONTAINERID accepted. The spec sets no limit, but the IPAM store names a file
/// "<container id>@<ifname>", which must fit a file name (255 bytes) with a 15-byte ifname.
inline constexpr std::size_t kMaxContainerIdLength = 255 - 1 - 15;

/// `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`: the spec's rule for container IDs and network names.
bool is_valid_container_id(std::string_view id);
/// Linux interface name: 1..15 bytes, not "." or "..", no '/', ':' or whitespace.
bool is_valid_ifname(std::string_view name);

}  // namespace nsveth
