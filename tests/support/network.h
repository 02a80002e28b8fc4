// A throwaway network for plugin tests: a "host" namespace that stands in for the real host (so
// forwarding sysctls and host routes never touch the machine), a data directory for IPAM, and
// configurations over test-only ranges (10.77.x.0/24, fd00:77:x::/64).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/sandbox.h"

namespace nsveth::testing {

class TestNetwork {
public:
    /// `subnet_index` picks 10.77.<i>.0/24 and fd00:77:<i>::/64; `dual_stack` adds the IPv6 set.
    explicit TestNetwork(int subnet_index = 0, bool dual_stack = true);

    const std::string& name() const { return name_; }
    const ScopedNetns& host() const { return host_; }
    const std::string& data_dir() const { return data_.path(); }
    std::string v4_subnet() const;
    std::string v6_subnet() const;

    /// A single-plugin configuration for this network in `version`.
    nlohmann::json config(const std::string& version = "1.1.0") const;
    nlohmann::json& ipam() { return ipam_; }

    /// Executes the nsveth binary in the host namespace as a runtime would.
    ProcessResult exec(const std::string& command, const std::string& container_id,
                       const std::string& netns, const std::string& ifname,
                       const nlohmann::json& config) const;
    /// Executes `binary` in the host namespace with the CNI variables plus `extra` (which may
    /// override CNI_PATH, set CNI_ARGS, ...).
    ProcessResult exec_plugin(const std::string& binary, const std::string& command,
                              const std::string& container_id, const std::string& netns,
                              const std::string& ifname, const nlohmann::json& config,
                              const std::map<std::string, std::string>& extra = {}) const;
    /// Starts the same without waiting.
    RunningProcess start(const std::string& command, const std::string& container_id,
                         const std::string& netns, const std::string& ifname,
                         const nlohmann::json& config) const;

private:
    int index_;
    std::string name_;
    ScopedNetns host_;
    TempDir data_;
    nlohmann::json ipam_;
};

/// Path of the nsveth binary under test.
std::string nsveth_binary();
/// The directory holding nsveth and nsveth-ipam, for CNI_PATH.
std::string plugin_dir();
/// Debian's reference plugins (containernetworking-plugins).
inline constexpr const char* kReferencePluginDir = "/usr/lib/cni";

}  // namespace nsveth::testing
