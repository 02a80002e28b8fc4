// MAC precedence (runtimeConfig > args.cni > CNI_ARGS) and the dns capability's key names.
#include "plugin/runtime_options.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace nsveth {
namespace {

using nlohmann::json;

std::string mac_of(const json& config, const char* cni_args) {
    auto options = runtime_options(config, parse_cni_args(cni_args));
    return options.mac ? format_mac(options.mac->data(), 6) : "";
}

TEST(RuntimeOptions, MacPrecedence) {
    json all = json::parse(R"({"runtimeConfig": {"mac": "02:00:00:00:00:01"},
                               "args": {"cni": {"mac": "02:00:00:00:00:02"}}})");
    EXPECT_EQ(mac_of(all, "MAC=02:00:00:00:00:03"), "02:00:00:00:00:01");
    json args_only = json::parse(R"({"args": {"cni": {"mac": "02:00:00:00:00:02"}}})");
    EXPECT_EQ(mac_of(args_only, "MAC=02:00:00:00:00:03"), "02:00:00:00:00:02");
    EXPECT_EQ(mac_of(json::object(), "MAC=02:00:00:00:00:0A"), "02:00:00:00:00:0a");
    EXPECT_EQ(mac_of(json::object(), ""), "");
}

TEST(RuntimeOptions, MalformedMacNamesTheKey) {
    for (const char* bad : {R"({"runtimeConfig": {"mac": "02:00:00:00:00"}})",
                            R"({"runtimeConfig": {"mac": 5}})",
                            R"({"args": {"cni": {"mac": "zz:00:00:00:00:00"}}})"}) {
        try {
            runtime_options(json::parse(bad), parse_cni_args(""));
            ADD_FAILURE() << bad;
        } catch (const CniError& error) {
            EXPECT_EQ(error.code(), kInvalidConfig);
            EXPECT_NE(std::string(error.what()).find("mac"), std::string::npos);
        }
    }
}

TEST(RuntimeOptions, DnsCapabilityMapsToResultNames) {
    auto options = runtime_options(
        json::parse(R"({"runtimeConfig": {"dns": {"servers": ["10.0.0.10"],
                         "searches": ["svc.local"], "options": ["ndots:5"]}}})"),
        parse_cni_args(""));
    EXPECT_EQ(options.dns.nameservers, (std::vector<std::string>{"10.0.0.10"}));
    EXPECT_EQ(options.dns.search, (std::vector<std::string>{"svc.local"}));
    EXPECT_EQ(options.dns.options, (std::vector<std::string>{"ndots:5"}));
    EXPECT_TRUE(runtime_options(json::object(), parse_cni_args("")).dns.empty());
}

}  // namespace
}  // namespace nsveth
