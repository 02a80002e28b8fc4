// Decodes the network configuration in one pass, before any side effect. A key of the wrong JSON
// type is a decode failure (code 6); a well-typed value nsveth cannot use is an invalid
// configuration (code 7); a cniVersion nsveth does not speak is code 1, as the spec requires.
#include "plugin/net_config.h"

#include <cstdint>
#include <string>

#include "common/error.h"
#include "plugin/json_depth.h"
#include "plugin/json_member.h"
#include "plugin/environment.h"
#include "plugin/version.h"

namespace nsveth {

namespace {

using nlohmann::json;

constexpr int kMinMtu = 68;  // the IPv4 minimum (RFC 791); the kernel refuses less
constexpr int kMaxMtu = 65535;

[[noreturn]] void throw_wrong_type(const char* key, const json& value, const char* expected) {
    throw CniError(kDecodeFailure,
                   std::string(key) + ": expected " + expected + ", got " + value.type_name());
}

// An absent, null or empty string reads as "".
std::string read_string(const json& object, const char* key) {
    const json* value = json_member(object, key);
    if (!value) return {};
    if (!value->is_string()) throw_wrong_type(key, *value, "a string");
    return value->get<std::string>();
}

std::string supported_list() {
    std::string out = "[";
    for (std::string_view version : kSupportedVersions)
        out.append(out.size() == 1 ? "\"" : ", \"").append(version).append("\"");
    return out + "]";
}

// Compares in the value's own signedness, so a huge unsigned value cannot wrap into range.
// 0 means "kernel default", as for the reference ptp plugin.
bool is_valid_mtu(const json& value) {
    if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() == 0) return true;
        const auto mtu = value.get<std::uint64_t>();
        return mtu >= static_cast<std::uint64_t>(kMinMtu) &&
               mtu <= static_cast<std::uint64_t>(kMaxMtu);
    }
    const auto mtu = value.get<std::int64_t>();
    return mtu >= kMinMtu && mtu <= kMaxMtu;
}

int read_mtu(const json& object) {
    const json* value = json_member(object, "mtu");
    if (!value) return 0;
    if (!value->is_number_integer()) throw_wrong_type("mtu", *value, "an integer");
    if (!is_valid_mtu(*value))
        throw CniError(kInvalidConfig,
                       "invalid mtu " + value->dump() + ": must be 0 (default) or between " +
                           std::to_string(kMinMtu) + " and " + std::to_string(kMaxMtu));
    return value->get<int>();
}

}  // namespace

NetConfig parse_net_config(std::string_view text) {
    NetConfig config;
    if (nests_too_deep(text))
        throw CniError(kDecodeFailure, "decode network configuration: nested deeper than " +
                                           std::to_string(kMaxJsonDepth) + " levels");
    try {
        config.raw = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& error) {
        throw CniError(kDecodeFailure,
                       std::string("decode network configuration: ") + error.what());
    }
    const json& raw = config.raw;
    if (!raw.is_object())
        throw CniError(kDecodeFailure,
                       std::string("decode network configuration: expected an object, got ") +
                           raw.type_name());

    // Absent, null or "" reads as 0.1.0, as Go's DecodeVersion reads it; libcni sends "" for a
    // .conf without cniVersion.
    config.cni_version = read_string(raw, "cniVersion");
    if (config.cni_version.empty()) config.cni_version = kImpliedVersion;
    if (!is_supported_version(config.cni_version))
        throw CniError(kIncompatibleVersion, "incompatible CNI versions",
                       "config is " + json(config.cni_version).dump() + ", plugin supports " +
                           supported_list());

    config.name = read_string(raw, "name");
    if (config.name.empty()) throw CniError(kInvalidConfig, "missing network name");
    if (!is_valid_container_id(config.name))
        throw CniError(kInvalidConfig, "invalid network name " + json(config.name).dump() +
                                           R"(: must match ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$)");

    config.type = read_string(raw, "type");
    if (config.type.empty()) throw CniError(kInvalidConfig, "missing type");

    config.mtu = read_mtu(raw);

    if (const json* masq = json_member(raw, "ipMasq")) {
        if (!masq->is_boolean()) throw_wrong_type("ipMasq", *masq, "a boolean");
        config.ip_masq = masq->get<bool>();
    }

    const json* ipam = json_member(raw, "ipam");
    if (!ipam) throw CniError(kInvalidConfig, "missing ipam");
    if (!ipam->is_object()) throw_wrong_type("ipam", *ipam, "an object");

    if (const json* dns = json_member(raw, "dns")) config.dns = parse_dns(*dns);
    if (const json* prev = json_member(raw, "prevResult")) config.prev_result = parse_result(*prev);
    return config;
}

}  // namespace nsveth
