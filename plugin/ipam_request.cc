// Reading the IPAM-related runtime inputs out of the configuration and CNI_ARGS.
#include "plugin/ipam_request.h"

#include <algorithm>

#include "common/error.h"
#include "plugin/json_member.h"

namespace nsveth {

namespace {

using nlohmann::json;

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
    const json* runtime = json_member(config, "runtimeConfig");
    add_list(runtime ? json_member(*runtime, "ips") : nullptr, "runtimeConfig.ips", requested);
    const json* args_object = json_member(config, "args");
    const json* cni = args_object ? json_member(*args_object, "cni") : nullptr;
    const json* args_ips = cni ? json_member(*cni, "ips") : nullptr;
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
    const json* runtime = json_member(config, "runtimeConfig");
    return runtime ? json_member(*runtime, "ipRanges") : nullptr;
}

std::optional<std::vector<ipam::AttachmentId>> valid_attachments(const json& config) {
    const json* list = json_member(config, "cni.dev/valid-attachments");
    if (!list) list = json_member(config, "cni.dev/attachments");
    if (!list) {
        // libcni sends a runtime's empty list (a nil slice) as null, which Go plugins decode as
        // an empty list: a key present with null means that no attachment is valid.
        const bool given =
            config.contains("cni.dev/valid-attachments") || config.contains("cni.dev/attachments");
        return given ? std::make_optional(std::vector<ipam::AttachmentId>{}) : std::nullopt;
    }
    if (!list->is_array())
        throw CniError(kDecodeFailure, "cni.dev/valid-attachments is not a list");
    std::vector<ipam::AttachmentId> valid;
    for (const auto& entry : *list) {
        const json* id = json_member(entry, "containerID");
        const json* ifname = json_member(entry, "ifname");
        if (!id || !ifname || !id->is_string() || !ifname->is_string())
            throw CniError(kDecodeFailure,
                           "cni.dev/valid-attachments entry " + entry.dump() +
                               " needs string containerID and ifname");
        valid.push_back({id->get<std::string>(), ifname->get<std::string>()});
    }
    return valid;
}

}  // namespace nsveth
