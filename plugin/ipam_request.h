// What the runtime asks of IPAM beyond the "ipam" object: specific addresses (runtimeConfig.ips,
// args.cni.ips, CNI_ARGS IP), extra ranges (runtimeConfig.ipRanges) and, for GC, the attachments
// that are still valid (cni.dev/valid-attachments, or the older cni.dev/attachments).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/ip.h"
#include "ipam/ipam.h"
#include "plugin/cni_args.h"

namespace nsveth {

/// runtimeConfig.ips and args.cni.ips together; CNI_ARGS IP (comma-separated) only when args
/// carries no ips, as the CNI conventions require. Entries may be "ip" or "ip/prefix".
/// Throws CniError(kInvalidConfig) naming the key and value of an entry that does not parse.
std::vector<IpAddress> requested_addresses(const nlohmann::json& config, const CniArgs& args);

/// runtimeConfig.ipRanges, or nullptr when absent.
const nlohmann::json* requested_ranges(const nlohmann::json& config);

/// The GC list; nullopt when neither key is present ("release nothing"). An empty list, or
/// null as libcni sends an empty one, means "nothing is valid". Throws
/// CniError(kDecodeFailure) for a malformed entry.
std::optional<std::vector<ipam::AttachmentId>> valid_attachments(const nlohmann::json& config);

}  // namespace nsveth
