// runtimeConfig.mac / args.cni.mac / CNI_ARGS MAC, and runtimeConfig.dns.
#include "plugin/runtime_options.h"

#include "common/error.h"
#include "plugin/json_member.h"

namespace nsveth {

namespace {

using nlohmann::json;

MacAddress parse_mac_value(const json& value, const std::string& key) {
    std::optional<MacAddress> mac;
    if (value.is_string()) mac = parse_mac(value.get<std::string>());
    if (!mac) throw CniError(kInvalidConfig, "invalid " + key + " " + value.dump());
    return *mac;
}

std::vector<std::string> strings(const json& dns, const char* key) {
    std::vector<std::string> values;
    const json* list = json_member(dns, key);
    if (!list) return values;
    if (!list->is_array())
        throw CniError(kInvalidConfig, std::string("runtimeConfig.dns.") + key + " is not a list");
    for (const auto& entry : *list) {
        if (!entry.is_string())
            throw CniError(kInvalidConfig, std::string("runtimeConfig.dns.") + key +
                                               " entry " + entry.dump() + " is not a string");
        values.push_back(entry.get<std::string>());
    }
    return values;
}

}  // namespace

RuntimeOptions runtime_options(const json& config, const CniArgs& args) {
    RuntimeOptions options;
    const json* runtime = json_member(config, "runtimeConfig");
    const json* args_object = json_member(config, "args");
    const json* cni = args_object ? json_member(*args_object, "cni") : nullptr;
    if (const json* mac = runtime ? json_member(*runtime, "mac") : nullptr)
        options.mac = parse_mac_value(*mac, "runtimeConfig.mac");
    else if (const json* args_mac = cni ? json_member(*cni, "mac") : nullptr)
        options.mac = parse_mac_value(*args_mac, "args.cni.mac");
    else if (std::string text = args.get("MAC"); !text.empty())
        options.mac = parse_mac_value(text, "CNI_ARGS MAC");
    if (const json* dns = runtime ? json_member(*runtime, "dns") : nullptr) {
        options.dns.nameservers = strings(*dns, "servers");
        options.dns.search = strings(*dns, "searches");
        options.dns.options = strings(*dns, "options");
    }
    return options;
}

}  // namespace nsveth
