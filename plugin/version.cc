// Version arithmetic and the VERSION answer. Comparison is numeric per component because the
// result shape changes at 1.0.0 and 1.1.0, and "0.10.0" must not sort before "0.4.0".
#include "plugin/version.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace nsveth {

namespace {

using VersionParts = std::array<int, 3>;

// "1", "1.2" and "1.2.3" (missing components are 0), decimal digits only; nullopt otherwise.
std::optional<VersionParts> parse_version(std::string_view text) {
    VersionParts parts{};
    std::size_t index = 0;
    while (true) {
        if (index == parts.size()) return std::nullopt;
        std::size_t dot = text.find('.');
        std::string_view component = text.substr(0, dot);
        if (component.empty() || component.front() < '0' || component.front() > '9')
            return std::nullopt;
        const char* end = component.data() + component.size();
        auto [ptr, error] = std::from_chars(component.data(), end, parts[index]);
        if (error != std::errc() || ptr != end) return std::nullopt;
        ++index;
        if (dot == std::string_view::npos) return parts;
        text.remove_prefix(dot + 1);
    }
}

}  // namespace

bool is_supported_version(std::string_view version) {
    return std::find(kSupportedVersions.begin(), kSupportedVersions.end(), version) !=
           kSupportedVersions.end();
}

int compare_versions(std::string_view a, std::string_view b) {
    const VersionParts left = parse_version(a).value_or(VersionParts{});
    const VersionParts right = parse_version(b).value_or(VersionParts{});
    if (left < right) return -1;
    return left == right ? 0 : 1;
}

nlohmann::json version_info(std::string_view stdin_text) {
    std::string version(kSupportedVersions.back());
    const auto request = nlohmann::json::parse(stdin_text.begin(), stdin_text.end(), nullptr,
                                               /*allow_exceptions=*/false);
    if (request.is_object()) {
        auto it = request.find("cniVersion");
        if (it != request.end() && it->is_string() &&
            is_supported_version(it->get_ref<const std::string&>()))
            version = it->get<std::string>();
    }
    nlohmann::json supported = nlohmann::json::array();
    for (std::string_view v : kSupportedVersions) supported.push_back(std::string(v));
    return {{"cniVersion", version}, {"supportedVersions", supported}};
}

}  // namespace nsveth
