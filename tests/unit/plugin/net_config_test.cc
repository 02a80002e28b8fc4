// parse_net_config: what a valid configuration yields, and the CNI code of every way it can be
// wrong (6 malformed or mistyped, 1 unsupported version, 7 invalid value).
#include "plugin/net_config.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "tests/unit/plugin/catch_cni_error.h"

namespace nsveth {
namespace {

using nlohmann::json;

// A minimal valid configuration with `changes` merged in (a null value removes the key).
std::string config_text(const json& changes = json::object()) {
    json config = {{"cniVersion", "1.1.0"},
                   {"name", "podnet"},
                   {"type", "nsveth"},
                   {"ipam", {{"type", "nsveth-ipam"}, {"subnet", "10.22.0.0/16"}}}};
    for (const auto& [key, value] : changes.items()) {
        if (value.is_null())
            config.erase(key);
        else
            config[key] = value;
    }
    return config.dump();
}

CniError config_error(const std::string& text) {
    return catch_cni_error([&] { parse_net_config(text); });
}

TEST(ParseNetConfig, ReadsAMinimalConfiguration) {
    const NetConfig config = parse_net_config(config_text());
    EXPECT_EQ(config.cni_version, "1.1.0");
    EXPECT_EQ(config.name, "podnet");
    EXPECT_EQ(config.type, "nsveth");
    EXPECT_EQ(config.mtu, 0);
    EXPECT_EQ(config.ipam(), json::parse(R"({"type": "nsveth-ipam", "subnet": "10.22.0.0/16"})"));
    EXPECT_TRUE(config.dns.empty());
    EXPECT_FALSE(config.prev_result);
    EXPECT_EQ(config.raw, json::parse(config_text()));
}

TEST(ParseNetConfig, ReadsOptionalKeysAndIgnoresUnknownOnes) {
    const std::string text = R"({
        "cniVersion": "0.4.0", "name": "pod.net-1", "type": "nsveth", "mtu": 1450,
        "ipam": {"type": "nsveth-ipam"},
        "dns": {"nameservers": ["10.22.0.1"], "search": ["svc.local"]},
        "prevResult": {"cniVersion": "0.4.0",
                       "ips": [{"version": "4", "address": "10.22.0.5/16"}]},
        "args": {"cni": {"labels": []}}, "runtimeConfig": {"portMappings": []},
        "capabilities": {"portMappings": true}, "ipMasq": true, "cni.dev/attachments": []
    })";
    const NetConfig config = parse_net_config(text);
    EXPECT_EQ(config.cni_version, "0.4.0");
    EXPECT_EQ(config.name, "pod.net-1");
    EXPECT_EQ(config.mtu, 1450);
    EXPECT_EQ(config.dns.nameservers, std::vector<std::string>{"10.22.0.1"});
    EXPECT_EQ(config.dns.search, std::vector<std::string>{"svc.local"});
    ASSERT_TRUE(config.prev_result);
    ASSERT_EQ(config.prev_result->ips.size(), 1u);
    EXPECT_EQ(config.prev_result->ips[0].address, *IpPrefix::parse("10.22.0.5/16"));
    EXPECT_EQ(config.raw, json::parse(text));
    EXPECT_TRUE(config.raw.contains("runtimeConfig"));
}

TEST(ParseNetConfig, NullOptionalKeysReadAsAbsent) {
    const NetConfig config =
        parse_net_config(R"({"cniVersion": "1.0.0", "name": "n", "type": "nsveth",
                             "ipam": {}, "mtu": null, "dns": null, "prevResult": null})");
    EXPECT_EQ(config.mtu, 0);
    EXPECT_TRUE(config.dns.empty());
    EXPECT_FALSE(config.prev_result);
}

TEST(ParseNetConfig, MalformedJsonIsADecodeFailure) {
    for (const char* text :
         {"", "{", "{\"name\": }", "not json", "{\"a\": 1} trailing", "{\"name\": \"\xff\"}"}) {
        const CniError error = config_error(text);
        EXPECT_EQ(error.code(), kDecodeFailure) << text;
        EXPECT_EQ(std::string(error.what()).rfind("decode network configuration: ", 0), 0u)
            << error.what();
    }
    for (const char* text : {"[]", "\"x\"", "42", "null"}) {
        const CniError error = config_error(text);
        EXPECT_EQ(error.code(), kDecodeFailure) << text;
        const std::string prefix = "decode network configuration: expected an object, got ";
        EXPECT_EQ(std::string(error.what()).rfind(prefix, 0), 0u) << error.what();
    }
}

TEST(ParseNetConfig, AcceptsEverySupportedVersion) {
    for (const char* version : {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"})
        EXPECT_EQ(parse_net_config(config_text({{"cniVersion", version}})).cni_version, version);
}

TEST(ParseNetConfig, MissingVersionIsZeroOneZeroAsInGo) {
    EXPECT_EQ(parse_net_config(config_text({{"cniVersion", nullptr}})).cni_version, "0.1.0");
    EXPECT_EQ(parse_net_config(config_text({{"cniVersion", ""}})).cni_version, "0.1.0");
    EXPECT_EQ(parse_net_config(R"({"cniVersion": null, "name": "n", "type": "nsveth",
                                   "ipam": {"type": "nsveth-ipam"}})")
                  .cni_version,
              "0.1.0");
}

TEST(ParseNetConfig, UnsupportedVersionIsIncompatible) {
    const std::pair<json, const char*> cases[] = {
        {"9.9.9", "config is \"9.9.9\""},
        {"0.2", "config is \"0.2\""},
        {"1.1", "config is \"1.1\""},
    };
    for (const auto& [version, config_part] : cases) {
        const CniError error = config_error(config_text({{"cniVersion", version}}));
        EXPECT_EQ(error.code(), kIncompatibleVersion) << version;
        EXPECT_STREQ(error.what(), "incompatible CNI versions");
        EXPECT_EQ(error.details(), std::string(config_part) +
                                       R"(, plugin supports ["0.1.0", "0.2.0", "0.3.0", )"
                                       R"("0.3.1", "0.4.0", "1.0.0", "1.1.0"])");
    }
    const CniError number = config_error(config_text({{"cniVersion", 1.0}}));
    EXPECT_EQ(number.code(), kDecodeFailure);
    EXPECT_STREQ(number.what(), "cniVersion: expected a string, got number");
}

TEST(ParseNetConfig, VersionIsCheckedBeforeTheRest) {
    const CniError error = config_error(R"({"cniVersion": "2.0.0", "name": "a/b"})");
    EXPECT_EQ(error.code(), kIncompatibleVersion);
}

TEST(ParseNetConfig, NameMustBePresentAndPathSafe) {
    for (const json& name : {json(nullptr), json("")}) {
        const CniError error = config_error(config_text({{"name", name}}));
        EXPECT_EQ(error.code(), kInvalidConfig);
        EXPECT_STREQ(error.what(), "missing network name");
    }
    for (const char* name : {"a/b", "../x", "-x", ".x", "a b"}) {
        const CniError error = config_error(config_text({{"name", name}}));
        EXPECT_EQ(error.code(), kInvalidConfig) << name;
        EXPECT_EQ(error.what(), "invalid network name " + json(name).dump() +
                                    R"(: must match ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$)");
    }
    const CniError number = config_error(config_text({{"name", 5}}));
    EXPECT_EQ(number.code(), kDecodeFailure);
    EXPECT_STREQ(number.what(), "name: expected a string, got number");
}

TEST(ParseNetConfig, TypeMustBeAString) {
    EXPECT_EQ(config_error(config_text({{"type", nullptr}})).code(), kInvalidConfig);
    EXPECT_EQ(config_error(config_text({{"type", ""}})).code(), kInvalidConfig);
    const CniError error = config_error(config_text({{"type", json::array()}}));
    EXPECT_EQ(error.code(), kDecodeFailure);
    EXPECT_STREQ(error.what(), "type: expected a string, got array");
}

TEST(ParseNetConfig, MtuMustBeAnIntegerInRange) {
    EXPECT_EQ(parse_net_config(config_text({{"mtu", 0}})).mtu, 0);  // kernel default, as ptp
    EXPECT_EQ(parse_net_config(config_text({{"mtu", 68}})).mtu, 68);
    EXPECT_EQ(parse_net_config(config_text({{"mtu", 65535}})).mtu, 65535);
    for (const json& mtu :
         {json(67), json(65536), json(-1), json(-1500), json(std::uint64_t{1} << 63)}) {
        const CniError error = config_error(config_text({{"mtu", mtu}}));
        EXPECT_EQ(error.code(), kInvalidConfig) << mtu;
        EXPECT_EQ(error.what(),
                  "invalid mtu " + mtu.dump() + ": must be 0 (default) or between 68 and 65535");
    }
    for (const char* text : {R"("1500")", "1500.0", "1.5e3", "true", "18446744073709551616"}) {
        std::string config = config_text();
        config.insert(1, std::string(R"("mtu": )") + text + ",");
        const CniError error = config_error(config);
        EXPECT_EQ(error.code(), kDecodeFailure) << text;
        EXPECT_EQ(std::string(error.what()).rfind("mtu: expected an integer, got ", 0), 0u)
            << error.what();
    }
}

TEST(ParseNetConfig, IpamMustBeAnObject) {
    const CniError missing = config_error(config_text({{"ipam", nullptr}}));
    EXPECT_EQ(missing.code(), kInvalidConfig);
    EXPECT_STREQ(missing.what(), "missing ipam");
    for (const json& ipam : {json("host-local"), json::array()}) {
        const CniError error = config_error(config_text({{"ipam", ipam}}));
        EXPECT_EQ(error.code(), kDecodeFailure) << ipam;
        EXPECT_EQ(std::string(error.what()).rfind("ipam: expected an object, got ", 0), 0u);
    }
}

TEST(ParseNetConfig, DnsAndPrevResultErrorsAreDecodeFailures) {
    const CniError dns = config_error(config_text({{"dns", {{"nameservers", "10.0.0.53"}}}}));
    EXPECT_EQ(dns.code(), kDecodeFailure);
    EXPECT_STREQ(dns.what(), "dns.nameservers: expected an array, got string");

    const CniError prev_type = config_error(config_text({{"prevResult", json::array()}}));
    EXPECT_EQ(prev_type.code(), kDecodeFailure);
    EXPECT_STREQ(prev_type.what(), "prevResult: expected an object, got array");

    const json bad_prev = {{"ips", {{{"address", "10.0.0.5/24"}}, {{"address", "x"}}}}};
    const CniError prev_value = config_error(config_text({{"prevResult", bad_prev}}));
    EXPECT_EQ(prev_value.code(), kDecodeFailure);
    EXPECT_STREQ(prev_value.what(),
                 R"(invalid prevResult.ips[1].address "x": not an IP address with prefix length)");
}

}  // namespace
}  // namespace nsveth
