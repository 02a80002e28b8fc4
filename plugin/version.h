// The CNI protocol versions nsveth speaks and the VERSION command's answer.
#pragma once

#include <array>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace nsveth {

/// Every version whose result shape nsveth can emit; VERSION advertises exactly these, as the
/// reference plugins do (0.1.0 and 0.2.0 share the ip4/ip6 shape).
inline constexpr std::array<std::string_view, 7> kSupportedVersions = {
    "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};

/// What a configuration without cniVersion speaks: Go's decoder (and so every reference
/// plugin) reads a missing version as 0.1.0.
inline constexpr std::string_view kImpliedVersion = "0.1.0";

bool is_supported_version(std::string_view version);

/// Orders "major.minor.patch" strings numerically (<0, 0, >0). Malformed strings compare as 0.0.0.
int compare_versions(std::string_view a, std::string_view b);

/// VERSION's output: {"cniVersion": <requested or 1.1.0>, "supportedVersions": [...]}. `stdin_text`
/// may be empty or malformed; then the newest version is reported.
nlohmann::json version_info(std::string_view stdin_text);

}  // namespace nsveth
