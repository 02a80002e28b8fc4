// Per-attachment options a runtime passes besides IPAM's: the container interface's MAC (capability
// "mac", args.cni.mac, CNI_ARGS MAC — in that order of precedence, as the reference bridge plugin
// reads them) and DNS (capability "dns": servers, searches, options). Capabilities nsveth does not
// use (portMappings, bandwidth, ...) are left alone for the plugins after it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "common/mac.h"
#include "plugin/cni_args.h"
#include "plugin/result.h"

namespace nsveth {

struct RuntimeOptions {
    std::optional<MacAddress> mac;
    Dns dns;  // empty when the runtime sent none
};

/// Reads the options out of the configuration and CNI_ARGS. Throws CniError(kInvalidConfig) naming
/// the key and value of a malformed MAC or dns entry.
RuntimeOptions runtime_options(const nlohmann::json& config, const CniArgs& args);

}  // namespace nsveth
