// Which IPAM a network uses. nsveth-ipam runs in-process; other ipam.type values are refused
// with a clear error until delegation over CNI_PATH exists.
#pragma once

#include "ipam/config.h"
#include "plugin/net_config.h"

namespace nsveth {

/// The parsed "ipam" object. Throws CniError(kUnsupportedField) for another ipam.type,
/// CniError(kInvalidConfig) for an invalid one.
ipam::Config ipam_config_of(const NetConfig& config);

}  // namespace nsveth
