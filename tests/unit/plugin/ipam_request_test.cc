// Requested addresses and their precedence, ipRanges, and the GC attachment list.
#include "plugin/ipam_request.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace nsveth {
namespace {

using nlohmann::json;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

TEST(RequestedAddresses, RuntimeConfigAndArgsTogether) {
    json config = json::parse(R"({"runtimeConfig": {"ips": ["10.1.0.5/24", "fd00:1::5"]},
                                  "args": {"cni": {"ips": ["10.1.0.5", "10.2.0.7"]}}})");
    EXPECT_EQ(requested_addresses(config, parse_cni_args("IP=10.9.9.9")),
              (std::vector<IpAddress>{ip("10.1.0.5"), ip("fd00:1::5"), ip("10.2.0.7")}));
}

TEST(RequestedAddresses, CniArgsOnlyWithoutArgsIps) {
    EXPECT_EQ(requested_addresses(json::object(), parse_cni_args("IP=10.1.0.5,fd00:1::5")),
              (std::vector<IpAddress>{ip("10.1.0.5"), ip("fd00:1::5")}));
    json with_args = json::parse(R"({"args": {"cni": {"ips": []}}})");
    EXPECT_TRUE(requested_addresses(with_args, parse_cni_args("IP=10.1.0.5")).empty());
}

TEST(RequestedAddresses, BadEntriesNameTheKey) {
    for (const char* text : {R"({"runtimeConfig": {"ips": ["10.1.0.300"]}})",
                             R"({"runtimeConfig": {"ips": "10.1.0.3"}})",
                             R"({"args": {"cni": {"ips": [5]}}})"}) {
        try {
            requested_addresses(json::parse(text), parse_cni_args(""));
            ADD_FAILURE() << text;
        } catch (const CniError& error) {
            EXPECT_EQ(error.code(), kInvalidConfig);
            EXPECT_NE(std::string(error.what()).find("ips"), std::string::npos);
        }
    }
}

TEST(RequestedRanges, PresentOrNull) {
    EXPECT_EQ(requested_ranges(json::object()), nullptr);
    json config = json::parse(R"({"runtimeConfig": {"ipRanges": [[{"subnet": "10.5.0.0/24"}]]}})");
    ASSERT_NE(requested_ranges(config), nullptr);
    EXPECT_EQ(requested_ranges(config)->size(), 1u);
}

TEST(ValidAttachments, BothKeysAndAbsence) {
    EXPECT_FALSE(valid_attachments(json::object()).has_value());
    auto current = valid_attachments(json::parse(
        R"({"cni.dev/valid-attachments": [{"containerID": "a", "ifname": "eth0"}],
            "cni.dev/attachments": []})"));
    ASSERT_TRUE(current);
    ASSERT_EQ(current->size(), 1u);
    EXPECT_EQ((*current)[0].container_id, "a");
    auto legacy = valid_attachments(json::parse(R"({"cni.dev/attachments": []})"));
    ASSERT_TRUE(legacy);
    EXPECT_TRUE(legacy->empty());
    // What libcni sends for a network without pods: null under both keys, meaning none is valid.
    auto none = valid_attachments(
        json::parse(R"({"cni.dev/valid-attachments": null, "cni.dev/attachments": null})"));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    EXPECT_THROW(valid_attachments(json::parse(R"({"cni.dev/attachments": [{"ifname": 1}]})")),
                 CniError);
}

}  // namespace
}  // namespace nsveth
