// What a runtime passes besides the network configuration when it attaches a container to a
// network (libcni's RuntimeConf): container ID, namespace, interface name, CNI_ARGS pairs and the
// capability arguments that become `runtimeConfig`. The command line builds it from its options,
// the result cache stores it, and the chain runner turns it into CNI_* variables.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nsveth {

using CniArgPairs = std::vector<std::pair<std::string, std::string>>;

struct AttachmentParams {
    std::string container_id;
    std::string netns;  // as given: a path, or a bare name under /var/run/netns
    std::string ifname;
    CniArgPairs cni_args;
    nlohmann::json capability_args = nlohmann::json::object();  // capability name -> value
};

/// "K=V;K=V" from pairs (empty for none), as CNI_ARGS carries them.
std::string join_cni_args(const CniArgPairs& pairs);

/// Splits "K=V;K=V" into pairs; empty text gives none. Throws CniError(kInvalidEnvironment) for a
/// pair that is not exactly KEY=VALUE with a non-empty key. Unknown keys are the plugins' business.
CniArgPairs split_cni_args(std::string_view text);

}  // namespace nsveth
