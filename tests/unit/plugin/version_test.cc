// Supported versions, numeric version ordering, and the VERSION answer for good, foreign and
// malformed requests.
#include "plugin/version.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nsveth {
namespace {

using nlohmann::json;

TEST(Version, SupportsExactlyTheVersionsItCanRender) {
    for (const char* version : {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"})
        EXPECT_TRUE(is_supported_version(version)) << version;
    for (const char* version : {"", "0.0.1", "0.2", "1.1", "1.1.0 ", "v1.1.0", "1.2.0", "2.0.0"})
        EXPECT_FALSE(is_supported_version(version)) << version;
}

TEST(Version, ComparesNumericallyPerComponent) {
    EXPECT_LT(compare_versions("0.4.0", "1.0.0"), 0);
    EXPECT_GT(compare_versions("1.1.0", "1.0.0"), 0);
    EXPECT_EQ(compare_versions("1.0.0", "1.0.0"), 0);
    EXPECT_GT(compare_versions("0.10.0", "0.4.0"), 0);
    EXPECT_LT(compare_versions("0.3.0", "0.3.1"), 0);
    EXPECT_GT(compare_versions("10.0.0", "9.9.9"), 0);
    EXPECT_EQ(compare_versions("1.2", "1.2.0"), 0);
    EXPECT_EQ(compare_versions("1", "1.0.0"), 0);
}

TEST(Version, MalformedComparesAsZero) {
    for (const char* bad : {"", "x", "1.0.0.0", "-1.0.0", "1..0", "1.0.", "1.0.0-rc1", "v1.0.0",
                            "+1.0.0", "99999999999.0.0"}) {
        EXPECT_EQ(compare_versions(bad, "0.0.0"), 0) << bad;
        EXPECT_LT(compare_versions(bad, "0.3.0"), 0) << bad;
    }
}

json expected_info(const char* version) {
    return {{"cniVersion", version},
            {"supportedVersions", {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}}};
}

TEST(VersionInfo, EchoesASupportedRequestedVersion) {
    EXPECT_EQ(version_info(R"({"cniVersion": "1.1.0"})"), expected_info("1.1.0"));
    EXPECT_EQ(version_info(R"({"cniVersion": "0.4.0", "name": "x"})"), expected_info("0.4.0"));
    EXPECT_EQ(version_info(R"({"cniVersion": "0.3.0"})"), expected_info("0.3.0"));
    EXPECT_EQ(version_info(R"({"cniVersion": "0.2.0"})"), expected_info("0.2.0"));
}

TEST(VersionInfo, FallsBackToTheNewestVersion) {
    for (const char* request :
         {"", "not json", "[1, 2]", "{}", R"({"cniVersion": 1})", R"({"cniVersion": "0.2"})",
          R"({"cniVersion": "9.9.9"})", R"({"cniVersion": null})", R"({"cniVersion": "1.1.0")"})
        EXPECT_EQ(version_info(request), expected_info("1.1.0")) << request;
}

}  // namespace
}  // namespace nsveth
