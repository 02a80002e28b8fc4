// What the bench measures: a CNI plugin executed as a runtime executes it (nsveth, or the
// reference ptp + host-local), or the kernel floor — each as "how to ADD, CHECK and DEL one pod".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/bench/bench_netns.h"
#include "tests/bench/bench_process.h"

namespace nsveth::bench {

enum class Stack { kIpv4, kDualStack };

/// "IPv4" or "dual-stack".
const char* stack_name(Stack stack);

/// One attachment: a fresh pod namespace, its container ID and, once added, the ADD result.
struct Pod {
    int index = 0;  // unique within its series; the floor derives its addresses from it
    Namespace netns;
    std::string container_id;
    std::string result;  // ADD's stdout: a CNI result (empty for the floor)
};

class Subject {
  public:
    virtual ~Subject() = default;
    virtual Command add(const Pod& pod) const = 0;
    virtual Command check(const Pod& pod) const = 0;
    virtual Command del(const Pod& pod) const = 0;
    /// The pod's addresses after a successful ADD: from its result, or those the floor was given.
    /// Throws std::exception when the result cannot be read.
    virtual std::vector<std::string> addresses(const Pod& pod) const = 0;
};

/// A CNI plugin: the network uses 10.88.0.0/16 (and fd00:88::/64), a default route per family
/// and `ipam_type` with its state in `data_dir`; cniVersion 1.0.0, which every subject speaks.
struct PluginSpec {
    std::string binary;     // executed as is
    std::string type;       // the configuration's "type": the binary's name in CNI_PATH
    std::string ipam_type;  // "nsveth-ipam" (in-process in nsveth) or "host-local"
    std::string cni_path;   // CNI_PATH
};

std::unique_ptr<Subject> plugin_subject(const PluginSpec& spec, Stack stack,
                                        const std::string& data_dir);

/// The kernel floor program (cni_floor): the same kernel work as nsveth's ADD for the same
/// network, with pod addresses 10.88.0.0 + 2 + index (and fd00:88:: + 2 + index).
std::unique_ptr<Subject> floor_subject(const std::string& floor_binary, Stack stack);

}  // namespace nsveth::bench
