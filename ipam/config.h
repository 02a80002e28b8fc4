// The "ipam" object of a network configuration for ipam.type "nsveth-ipam", in host-local's syntax:
// range sets of ranges (subnet, rangeStart, rangeEnd, gateway), routes and dataDir. Parsing
// validates everything up front, so allocation never meets a malformed range.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/cni_route.h"
#include "common/ip.h"

namespace nsveth::ipam {

inline constexpr const char* kIpamType = "nsveth-ipam";
inline constexpr const char* kDefaultDataDir = "/var/lib/cni/networks";

/// One pool of addresses: [range_start, range_end] inside subnet, gateway never handed out.
struct Range {
    IpPrefix subnet;        // network address (no host bits)
    IpAddress range_start;  // default: subnet + 1
    IpAddress range_end;    // default: IPv4 broadcast - 1, IPv6 last address
    IpAddress gateway;      // default: subnet + 1
};

/// The ranges one address may come from; an attachment gets one address per range set.
using RangeSet = std::vector<Range>;

struct Config {
    std::vector<RangeSet> range_sets;
    std::vector<Route> routes;
    std::string data_dir = kDefaultDataDir;
    std::string resolv_conf;  // "resolvConf": a resolv.conf to report as dns; empty when unset
};

/// Parses and validates the "ipam" object. `ip_ranges` is the runtime's ipRanges capability
/// (same syntax as "ranges"), placed before everything else as host-local does: ipRanges, then
/// the legacy top-level range, then "ranges". Throws CniError(kInvalidConfig) whose message names
/// the key and the offending value (e.g. `ipam.ranges[0][0].subnet "10.0.0.1/24" has host bits
/// set`).
Config parse_config(const nlohmann::json& ipam, const nlohmann::json* ip_ranges = nullptr);

}  // namespace nsveth::ipam
