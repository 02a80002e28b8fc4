// A route as CNI describes it (SPEC.md, "ADD Success": dst, gw and the 1.1.0 extras). IPAM reads
// it from its configuration and the result carries it as is, so both use this one type.
#pragma once

#include <cstdint>
#include <optional>

#include "common/ip.h"

namespace nsveth {

struct Route {
    IpPrefix dst;
    std::optional<IpAddress> gw = std::nullopt;
    // CNI 1.1.0 route attributes; results render them only for cniVersion >= 1.1.0.
    std::optional<int> mtu = std::nullopt;
    std::optional<int> advmss = std::nullopt;
    std::optional<std::uint32_t> priority = std::nullopt;  // the kernel's u32 (RTA_PRIORITY)
    std::optional<std::uint32_t> table = std::nullopt;     // the kernel's u32 (RTA_TABLE)
    std::optional<int> scope = std::nullopt;
};

}  // namespace nsveth
