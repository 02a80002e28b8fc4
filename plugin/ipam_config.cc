// ipam.type dispatch (in-process nsveth-ipam only, for now).
#include "plugin/ipam_config.h"

#include "common/error.h"

namespace nsveth {

ipam::Config ipam_config_of(const NetConfig& config) {
    const auto type = config.ipam.find("type");
    if (type == config.ipam.end() || !type->is_string())
        throw CniError(kInvalidConfig, "ipam.type missing or not a string");
    if (*type != ipam::kIpamType)
        throw CniError(kUnsupportedField, "unsupported field ipam.type = \"" +
                                              type->get<std::string>() + "\"",
                       std::string("nsveth supports ipam.type \"") + ipam::kIpamType + "\"");
    return ipam::parse_config(config.ipam);
}

}  // namespace nsveth
