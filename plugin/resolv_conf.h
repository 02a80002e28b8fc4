// IPAM's "resolvConf": a resolv.conf file reported as the result's dns, as host-local does.
#pragma once

#include <string>

#include "plugin/result.h"

namespace nsveth {

/// Reads `path` (nameserver, domain, search, options; '#' and ';' start comments). Throws
/// CniError(kInvalidConfig) naming the path when it cannot be read.
Dns read_resolv_conf(const std::string& path);

/// The same for text already in memory.
Dns parse_resolv_conf(const std::string& text);

}  // namespace nsveth
