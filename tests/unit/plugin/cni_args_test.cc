// CNI_ARGS: pairs, IgnoreUnknown, the Kubernetes keys, malformed input.
#include "plugin/cni_args.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace nsveth {
namespace {

int error_code(const char* text) {
    try {
        parse_cni_args(text);
    } catch (const CniError& error) {
        return error.code();
    }
    return 0;
}

TEST(CniArgs, KubernetesKeysWithIgnoreUnknown) {
    auto args = parse_cni_args(
        "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=web-0;"
        "K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=u-1;IP=10.77.0.9");
    EXPECT_EQ(args.get("K8S_POD_NAME"), "web-0");
    EXPECT_EQ(args.get("IP"), "10.77.0.9");
    EXPECT_EQ(args.get("MAC"), "");
}

TEST(CniArgs, EmptyAndKnownKeysNeedNoIgnoreUnknown) {
    EXPECT_TRUE(parse_cni_args("").values.empty());
    EXPECT_EQ(parse_cni_args("K8S_POD_NAME=x;").get("K8S_POD_NAME"), "x");
}

TEST(CniArgs, UnknownKeyNeedsIgnoreUnknown) {
    EXPECT_EQ(error_code("FOO=bar"), kInvalidEnvironment);
    EXPECT_EQ(error_code("FOO=bar;IgnoreUnknown=true"), 0);
    EXPECT_EQ(error_code("IgnoreUnknown=0;FOO=bar"), kInvalidEnvironment);
    try {
        parse_cni_args("FOO=bar");
    } catch (const CniError& error) {
        EXPECT_NE(std::string(error.what()).find("FOO=bar"), std::string::npos);
    }
}

TEST(CniArgs, MalformedPairsAreRefusedByName) {
    for (const char* bad : {"FOO", "=x", "a=b=c", "IP=1;junk"}) {
        EXPECT_EQ(error_code(bad), kInvalidEnvironment) << bad;
    }
    try {
        parse_cni_args("IgnoreUnknown=1;junk");
    } catch (const CniError& error) {
        EXPECT_NE(std::string(error.what()).find("\"junk\""), std::string::npos) << error.what();
    }
}

}  // namespace
}  // namespace nsveth
