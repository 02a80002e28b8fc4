// A route as CNI describes it (SPEC.md, "ADD Success": dst, gw and the 1.1.0 extras). IPAM reads
// it from its configuration and the result carries it as is, so both use this one type.
#pragma once

#include <optional>

#include "common/ip.h"

namespace nsveth {

struct Route {
    IpPrefix dst;
    std::optional<IpAddress> gw = std::nullopt;
    // CNI 1.1.0 route attributes; results render them only for cniVersion >= 1.1.0.
    std::optional<int> mtu = std::nullopt;
    std::optional<int> advmss = std::nullopt;
    std::optional<int> priority = std::nullopt;
    std::optional<int> table = std::nullopt;
    std::optional<int> scope = std::nullopt;
};

}  // namespace nsveth
