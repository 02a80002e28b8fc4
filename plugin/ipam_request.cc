// Reading the IPAM-related runtime inputs out of the configuration and CNI_ARGS.
#include "plugin/ipam_request.h"

#include <algorithm>

#include "common/error.h"

namespace nsveth {

namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto found = object.find(key);
    return found == object.end() || found->is_null() ? nullptr : &*found;
}

IpAddress parse_requested(const std::string& text, const std::string& key) {
    std::string address = text.substr(0, text.find('/'));
    auto ip = IpAddress::parse(address);
    if (!ip || (address.size() != text.size() && !IpPrefix::parse(text)))
        throw CniError(kInvalidConfig, "invalid " + key + " entry \"" + text + "\"");
    return *ip;
}

void add_list(const json* list, const std::string& key, std::vector<IpAddress>& out) {
    if (!list) return;
    if (!list->is_array()) throw CniError(kInvalidConfig, key + " is not a list");
    for (const auto& entry : *list) {
        if (!entry.is_string()) throw CniError(kInvalidConfig, key + " entry is not a string");
        IpAddress ip = parse_requested(entry.get<std::string>(), key);
        if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
    }
}

}  // namespace

std::vector<IpAddress> requested_addresses(const json& config, const CniArgs& args) {
    std::vector<IpAddress> requested;
    const json* runtime = member(config, "runtimeConfig");
    add_list(runtime ? member(*runtime, "ips") : nullptr, "runtimeConfig.ips", requested);
    const json* args_object = member(config, "args");
    const json* cni = args_object ? member(*args_object, "cni") : nullptr;
    const json* args_ips = cni ? member(*cni, "ips") : nullptr;
    add_list(args_ips, "args.cni.ips", requested);
    if (!args_ips) {
        std::string text = args.get("IP");
        while (!text.empty()) {
            auto comma = text.find(',');
            IpAddress ip = parse_requested(text.substr(0, comma), "CNI_ARGS IP");
            if (std::find(requested.begin(), requested.end(), ip) == requested.end())
                requested.push_back(ip);
            text = comma == std::string::npos ? "" : text.substr(comma + 1);
        }
    }
    return requested;
}

const json* requested_ranges(const json& config) {
    const json* runtime = member(config, "runtimeConfig");
    return runtime ? member(*runtime, "ipRanges") : nullptr;
}

std::optional<std::vector<ipam::AttachmentId>> valid_attachments(const json& config) {
    const json* list = member(config, "cni.dev/valid-attachments");
    if (!list) list = member(config, "cni.dev/attachments");
    if (!list) return std::nullopt;
    if (!list->is_array())
        throw CniError(kDecodeFailure, "cni.dev/valid-attachments is not a list");
    std::vector<ipam::AttachmentId> valid;
    for (const auto& entry : *list) {
        const json* id = member(entry, "containerID");
        const json* ifname = member(entry, "ifname");
        if (!id || !ifname || !id->is_string() || !ifname->is_string())
            throw CniError(kDecodeFailure,
                           "cni.dev/valid-attachments entry " + entry.dump() +
                               " needs string containerID and ifname");
        valid.push_back({id->get<std::string>(), ifname->get<std::string>()});
    }
    return valid;
}

}  // namespace nsveth
