// nests_too_deep: counts only brackets outside strings, and the configuration parser refuses
// nesting beyond the limit with code 6 instead of crashing later while quoting the value.
#include "plugin/json_depth.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "plugin/net_config.h"
#include "tests/unit/plugin/catch_cni_error.h"

namespace nsveth {
namespace {

std::string nested(int depth, const std::string& inside = "") {
    return std::string(depth, '[') + inside + std::string(depth, ']');
}

TEST(NestsTooDeep, AllowsTheLimitAndRefusesOneLevelMore) {
    EXPECT_FALSE(nests_too_deep(nested(kMaxJsonDepth)));
    EXPECT_TRUE(nests_too_deep(nested(kMaxJsonDepth + 1)));
    EXPECT_TRUE(nests_too_deep("{\"a\":" + nested(kMaxJsonDepth) + "}"));
}

TEST(NestsTooDeep, CountsDepthNotTotalBrackets) {
    std::string siblings = "[";
    for (int i = 0; i < 3 * kMaxJsonDepth; ++i) siblings += "[],";
    siblings += "[]]";
    EXPECT_FALSE(nests_too_deep(siblings));
}

TEST(NestsTooDeep, IgnoresBracketsInsideStrings) {
    const std::string brackets(2 * kMaxJsonDepth, '[');
    EXPECT_FALSE(nests_too_deep("{\"key\": \"" + brackets + "\"}"));
    // An escaped quote does not end the string; an escaped backslash before the quote does.
    EXPECT_FALSE(nests_too_deep("[\"\\\"" + brackets + "\"]"));
    EXPECT_TRUE(nests_too_deep("[\"\\\\\"" + brackets + "]"));
}

TEST(NestsTooDeep, ParseNetConfigRefusesDeepNestingWithCode6) {
    const std::string text =
        R"({"cniVersion":"1.1.0","name":"n","type":"nsveth","ipam":{"type":"nsveth-ipam",)"
        R"("ranges":)" +
        nested(100000) + "}}";
    const CniError error = catch_cni_error([&] { parse_net_config(text); });
    EXPECT_EQ(error.code(), kDecodeFailure);
    EXPECT_NE(std::string(error.what()).find("nested deeper than 1000 levels"), std::string::npos)
        << error.what();
}

}  // namespace
}  // namespace nsveth
