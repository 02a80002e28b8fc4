// The CNI_ARGS parser and its list of keys nsveth knows.
#include "plugin/cni_args.h"

#include <array>
#include <vector>

#include "common/error.h"

namespace nsveth {

namespace {

constexpr std::array<std::string_view, 7> kKnownKeys = {
    "IgnoreUnknown", "K8S_POD_NAMESPACE", "K8S_POD_NAME", "K8S_POD_INFRA_CONTAINER_ID",
    "K8S_POD_UID",   "IP",                "MAC"};

bool is_known(std::string_view key) {
    for (auto known : kKnownKeys)
        if (known == key) return true;
    return false;
}

}  // namespace

std::string CniArgs::get(std::string_view key) const {
    auto found = values.find(key);
    return found == values.end() ? std::string() : found->second;
}

CniArgs parse_cni_args(std::string_view text) {
    CniArgs args;
    std::vector<std::string> unknown;
    while (!text.empty()) {
        auto end = text.find(';');
        std::string_view pair = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (pair.empty()) continue;
        auto equals = pair.find('=');
        if (equals == 0 || equals == std::string_view::npos ||
            pair.find('=', equals + 1) != std::string_view::npos)
            throw CniError(kInvalidEnvironment, "invalid CNI_ARGS pair \"" + std::string(pair) +
                                                    "\": expected KEY=VALUE");
        std::string key(pair.substr(0, equals));
        if (!is_known(key)) unknown.push_back(std::string(pair));
        args.values[key] = std::string(pair.substr(equals + 1));
    }
    const std::string ignore = args.get("IgnoreUnknown");
    const bool ignore_unknown = ignore == "1" || ignore == "true" || ignore == "True";
    if (!unknown.empty() && !ignore_unknown)
        throw CniError(kInvalidEnvironment, "unknown CNI_ARGS key in \"" + unknown.front() +
                                                "\" (set IgnoreUnknown=1 to ignore it)");
    return args;
}

}  // namespace nsveth
