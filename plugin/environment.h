// The CNI_* environment variables of a plugin invocation, read and validated by the
// specification's rules before anything is touched. A variable that is set but empty counts as
// unset, because libcni always sets all six, empty ones included.
#pragma once

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
/// invalid container ID / interface name (with the offending value), or, for ADD, a container
/// ID and interface name too long together for the IPAM store's file "<container id>@<ifname>"
/// (NAME_MAX). DEL and CHECK accept those: another IPAM may have served such an attachment.
CniEnv parse_environment(const Environment& env);

/// `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`: the spec's rule for container IDs and network names.
bool is_valid_container_id(std::string_view id);
/// Linux interface name: 1..15 bytes, not "." or "..", no '/', ':' or whitespace.
bool is_valid_ifname(std::string_view name);

}  // namespace nsveth
