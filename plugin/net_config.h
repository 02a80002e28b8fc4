// The network configuration a runtime sends on stdin, decoded and validated before any side
// effect: JSON syntax (code 6), cniVersion (code 1), name and the keys nsveth reads (code 7).
// Unknown keys are ignored, as runtimes inject keys of their own.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "plugin/result.h"

namespace nsveth {

struct NetConfig {
    std::string cni_version;
    std::string name;
    std::string type;
    int mtu = 0;                    // 0: the kernel's default
    bool ip_masq = false;           // "ipMasq": masquerade the pod's traffic leaving its subnet
    Dns dns;                        // "dns"; when not empty it replaces IPAM's
    std::optional<Result> prev_result;
    nlohmann::json raw;             // the whole document, as received

    /// The "ipam" object of `raw` (parse_net_config checked it is one), for ipam::parse_config.
    const nlohmann::json& ipam() const { return raw.at("ipam"); }
};

/// Decodes stdin. Throws CniError: kDecodeFailure for malformed JSON or a key of the wrong type,
/// kIncompatibleVersion for a cniVersion nsveth does not speak, kInvalidConfig for a missing or
/// invalid name, missing ipam, or an mtu that is neither 0 (default) nor within 68..65535.
NetConfig parse_net_config(std::string_view text);

}  // namespace nsveth
