// parse_config: defaults, legacy keys, routes, dataDir, and every validation error with the key
// path and the offending value in its message.
#include "ipam/config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace nsveth::ipam {
namespace {

using nlohmann::json;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

// Parses `ipam` (with runtimeConfig.ipRanges `ip_ranges` when given) expecting
// CniError(kInvalidConfig) whose message contains every fragment.
void expect_invalid(const json& ipam, std::initializer_list<std::string> fragments,
                    const json* ip_ranges = nullptr) {
    try {
        parse_config(ipam, ip_ranges);
        ADD_FAILURE() << "accepted " << ipam.dump();
    } catch (const CniError& error) {
        EXPECT_EQ(error.code(), kInvalidConfig) << error.what();
        for (const std::string& fragment : fragments)
            EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)
                << "message `" << error.what() << "` lacks `" << fragment << "` for "
                << ipam.dump();
    }
}

json one_range(json range) { return json{{"ranges", json::array({json::array({range})})}}; }

TEST(ParseConfig, DefaultsForIpv4) {
    Config config = parse_config(one_range({{"subnet", "10.22.0.0/24"}}));
    ASSERT_EQ(config.range_sets.size(), 1u);
    ASSERT_EQ(config.range_sets[0].size(), 1u);
    const Range& range = config.range_sets[0][0];
    EXPECT_EQ(range.subnet, prefix("10.22.0.0/24"));
    EXPECT_EQ(range.range_start, ip("10.22.0.1"));
    EXPECT_EQ(range.range_end, ip("10.22.0.254"));
    EXPECT_EQ(range.gateway, ip("10.22.0.1"));
    EXPECT_TRUE(config.routes.empty());
    EXPECT_EQ(config.data_dir, kDefaultDataDir);
}

TEST(ParseConfig, DefaultsForIpv6EndAtTheLastAddress) {
    const Range range = parse_config(one_range({{"subnet", "fd00:22::/64"}})).range_sets[0][0];
    EXPECT_EQ(range.range_start, ip("fd00:22::1"));
    EXPECT_EQ(range.range_end, ip("fd00:22::ffff:ffff:ffff:ffff"));
    EXPECT_EQ(range.gateway, ip("fd00:22::1"));
}

TEST(ParseConfig, SmallestAllocatableSubnets) {
    const Range v4 = parse_config(one_range({{"subnet", "10.0.0.0/30"}})).range_sets[0][0];
    EXPECT_EQ(v4.range_start, ip("10.0.0.1"));
    EXPECT_EQ(v4.range_end, ip("10.0.0.2"));
    const Range v6 = parse_config(one_range({{"subnet", "fd00::/126"}})).range_sets[0][0];
    EXPECT_EQ(v6.range_end, ip("fd00::3"));
}

TEST(ParseConfig, ExplicitValuesAreKept) {
    Config config =
        parse_config({{"type", "nsveth-ipam"},
                      {"resolvConf", "/etc/resolv.conf"},
                      {"dataDir", "/run/ipam"},
                      {"ranges", json::array({json::array({{{"subnet", "10.1.0.0/16"},
                                                            {"rangeStart", "10.1.2.0"},
                                                            {"rangeEnd", "10.1.2.255"},
                                                            {"gateway", "10.1.0.254"}}})})}});
    const Range& range = config.range_sets[0][0];
    EXPECT_EQ(range.range_start, ip("10.1.2.0"));
    EXPECT_EQ(range.range_end, ip("10.1.2.255"));
    EXPECT_EQ(range.gateway, ip("10.1.0.254"));
    EXPECT_EQ(config.data_dir, "/run/ipam");
}

TEST(ParseConfig, NullMeansNotGiven) {
    Config config = parse_config({{"subnet", "10.0.0.0/24"},
                                  {"rangeStart", nullptr},
                                  {"ranges", nullptr},
                                  {"routes", nullptr},
                                  {"dataDir", nullptr}});
    EXPECT_EQ(config.range_sets[0][0].range_start, ip("10.0.0.1"));
    EXPECT_EQ(config.data_dir, kDefaultDataDir);
}

TEST(ParseConfig, LegacyKeysFormTheFirstRangeSet) {
    Config config =
        parse_config({{"subnet", "10.9.0.0/24"},
                      {"rangeStart", "10.9.0.100"},
                      {"rangeEnd", "10.9.0.200"},
                      {"gateway", "10.9.0.254"},
                      {"ranges", json::array({json::array({{{"subnet", "fd00::/64"}}}),
                                              json::array({{{"subnet", "10.8.0.0/24"}}})})}});
    ASSERT_EQ(config.range_sets.size(), 3u);
    const Range& legacy = config.range_sets[0][0];
    EXPECT_EQ(legacy.subnet, prefix("10.9.0.0/24"));
    EXPECT_EQ(legacy.range_start, ip("10.9.0.100"));
    EXPECT_EQ(legacy.range_end, ip("10.9.0.200"));
    EXPECT_EQ(legacy.gateway, ip("10.9.0.254"));
    EXPECT_EQ(config.range_sets[1][0].subnet, prefix("fd00::/64"));
    EXPECT_EQ(config.range_sets[2][0].subnet, prefix("10.8.0.0/24"));
}

TEST(ParseConfig, DisjointRangesOfOneSubnetShareASet) {
    Config config = parse_config(
        {{"ranges",
          json::array({json::array(
              {{{"subnet", "10.0.0.0/24"}, {"rangeStart", "10.0.0.10"}, {"rangeEnd", "10.0.0.19"}},
               {{"subnet", "10.0.0.0/24"}, {"rangeStart", "10.0.0.20"}, {"rangeEnd", "10.0.0.29"}},
               {{"subnet", "10.5.0.0/24"}}})})}});
    EXPECT_EQ(config.range_sets[0].size(), 3u);
}

TEST(ParseConfig, Routes) {
    Config config =
        parse_config({{"subnet", "10.0.0.0/24"},
                      {"routes", json::array({{{"dst", "0.0.0.0/0"}},
                                              {{"dst", "192.168.0.0/16"}, {"gw", "10.0.0.9"}},
                                              {{"dst", "::/0"}, {"gw", "fd00::1"}}})}});
    ASSERT_EQ(config.routes.size(), 3u);
    EXPECT_EQ(config.routes[0].dst, prefix("0.0.0.0/0"));
    EXPECT_FALSE(config.routes[0].gw);
    EXPECT_EQ(config.routes[1].dst, prefix("192.168.0.0/16"));
    EXPECT_EQ(config.routes[1].gw, ip("10.0.0.9"));
    EXPECT_EQ(config.routes[2].gw, ip("fd00::1"));

    // The 1.1 extras: table and priority take the kernel's whole u32, the others their limits.
    const json extras = {{"dst", "0.0.0.0/0"}, {"table", 4294967295u}, {"priority", 3000000000u},
                         {"mtu", 1400},        {"advmss", 1360},       {"scope", 253}};
    config = parse_config({{"subnet", "10.0.0.0/24"}, {"routes", json::array({extras})}});
    EXPECT_EQ(config.routes[0].table, 4294967295u);
    EXPECT_EQ(config.routes[0].priority, 3000000000u);
    EXPECT_EQ(config.routes[0].mtu, 1400);
    EXPECT_EQ(config.routes[0].scope, 253);
    json too_big = extras;
    too_big["table"] = 4294967296u;
    expect_invalid({{"subnet", "10.0.0.0/24"}, {"routes", json::array({too_big})}},
                   {"ipam.routes[0].table 4294967296", "from 0 to 4294967295"});
}

TEST(ParseConfigError, ShapeOfTheIpamObject) {
    expect_invalid(5, {"ipam 5", "not an object"});
    expect_invalid({{"ranges", {{"a", 1}}}}, {"ipam.ranges {\"a\":1}", "not an array"});
    expect_invalid({{"ranges", json::array({{{"subnet", "10.0.0.0/24"}}})}},
                   {"ipam.ranges[0] {\"subnet\":\"10.0.0.0/24\"}", "not an array of ranges"});
    expect_invalid({{"ranges", json::array({json::array()})}}, {"ipam.ranges[0] []", "empty"});
    expect_invalid({{"ranges", json::array({json::array({"10.0.0.0/24"})})}},
                   {"ipam.ranges[0][0] \"10.0.0.0/24\"", "not an object"});
}

TEST(ParseConfigError, NoRangeAtAll) {
    expect_invalid(json::object(), {"\"ranges\"", "\"subnet\"", "no range"});
    expect_invalid({{"ranges", json::array()}, {"type", "nsveth-ipam"}},
                   {"\"ranges\"", "no range"});
    expect_invalid({{"rangeStart", "10.0.0.5"}},
                   {"ipam.rangeStart \"10.0.0.5\"", "without ipam.subnet"});
}

TEST(ParseConfigError, Subnet) {
    expect_invalid(one_range(json::object()), {"ipam.ranges[0][0].subnet", "missing"});
    expect_invalid(one_range({{"subnet", 24}}), {"ipam.ranges[0][0].subnet 24", "not a string"});
    expect_invalid(one_range({{"subnet", "10.0.0.0"}}),
                   {"ipam.ranges[0][0].subnet \"10.0.0.0\"", "not an address/length prefix"});
    expect_invalid(one_range({{"subnet", "10.0.0.0/33"}}), {"\"10.0.0.0/33\"", "prefix"});
    expect_invalid(one_range({{"subnet", "10.0.0.1/24"}}),
                   {"ipam.ranges[0][0].subnet \"10.0.0.1/24\" has host bits set"});
    expect_invalid({{"subnet", "fd00::1/64"}}, {"ipam.subnet \"fd00::1/64\" has host bits set"});
}

TEST(ParseConfigError, SubnetTooSmall) {
    for (const char* subnet : {"10.0.0.0/31", "10.0.0.1/32", "fd00::/127", "fd00::1/128"}) {
        // /32 and /128 of a host address have no host bits, so "too small" is what is reported.
        expect_invalid(one_range({{"subnet", subnet}}),
                       {"ipam.ranges[0][0].subnet \"" + std::string(subnet) + "\"",
                        "too small to allocate from"});
    }
}

TEST(ParseConfigError, RangeStartAndEnd) {
    auto range = [](const char* key, const char* value) {
        return one_range({{"subnet", "10.0.0.0/24"}, {key, value}});
    };
    expect_invalid(range("rangeStart", "10.0.0"),
                   {"ipam.ranges[0][0].rangeStart \"10.0.0\"", "not an IP address"});
    expect_invalid(range("rangeStart", "fd00::5"),
                   {"ipam.ranges[0][0].rangeStart \"fd00::5\"", "IPv6", "10.0.0.0/24"});
    expect_invalid(range("rangeEnd", "10.0.1.5"),
                   {"ipam.ranges[0][0].rangeEnd \"10.0.1.5\"", "outside subnet 10.0.0.0/24"});
    expect_invalid(range("rangeStart", "10.0.0.0"),
                   {"ipam.ranges[0][0].rangeStart \"10.0.0.0\"", "not a usable host address"});
    expect_invalid(range("rangeEnd", "10.0.0.255"),
                   {"ipam.ranges[0][0].rangeEnd \"10.0.0.255\"", "not a usable host address"});
    expect_invalid(one_range({{"subnet", "10.0.0.0/24"}, {"rangeStart", 7}}),
                   {"ipam.ranges[0][0].rangeStart 7", "not a string"});
    expect_invalid(
        one_range(
            {{"subnet", "10.0.0.0/24"}, {"rangeStart", "10.0.0.50"}, {"rangeEnd", "10.0.0.10"}}),
        {"ipam.ranges[0][0].rangeStart 10.0.0.50", "after",
         "ipam.ranges[0][0].rangeEnd 10.0.0.10"});
    expect_invalid(
        {{"subnet", "10.0.0.0/24"}, {"rangeStart", "10.0.0.250"}, {"rangeEnd", "10.0.0.5"}},
        {"ipam.rangeStart 10.0.0.250", "ipam.rangeEnd 10.0.0.5"});
}

TEST(ParseConfigError, Ipv6RangeBounds) {
    // The last IPv6 address is usable (no broadcast), the network address is not.
    parse_config(one_range({{"subnet", "fd00::/120"}, {"rangeEnd", "fd00::ff"}}));
    expect_invalid(one_range({{"subnet", "fd00::/120"}, {"rangeStart", "fd00::"}}),
                   {"ipam.ranges[0][0].rangeStart \"fd00::\"", "not a usable host address"});
}

TEST(ParseConfigError, Gateway) {
    auto range = [](const char* gateway) {
        return one_range({{"subnet", "10.0.0.0/24"}, {"gateway", gateway}});
    };
    expect_invalid(range("gw"), {"ipam.ranges[0][0].gateway \"gw\"", "not an IP address"});
    expect_invalid(range("fd00::1"), {"ipam.ranges[0][0].gateway \"fd00::1\"", "IPv6"});
    expect_invalid(range("10.0.9.1"), {"ipam.ranges[0][0].gateway \"10.0.9.1\"", "outside subnet"});
}

TEST(ParseConfigError, OverlappingRangesInASet) {
    expect_invalid(
        {{"ranges",
          json::array({json::array({{{"subnet", "10.0.0.0/24"}},
                                    {{"subnet", "10.0.0.0/24"}, {"rangeStart", "10.0.0.100"}}})})}},
        {"ipam.ranges[0][1] 10.0.0.0/24 (10.0.0.100 - 10.0.0.254)",
         "overlaps ipam.ranges[0][0] 10.0.0.0/24 (10.0.0.1 - 10.0.0.254)"});
    expect_invalid(
        {{"ranges",
          json::array({json::array({{{"subnet", "10.0.0.0/16"}}, {{"subnet", "10.0.5.0/24"}}})})}},
        {"ipam.ranges[0][1] 10.0.5.0/24", "overlaps ipam.ranges[0][0] 10.0.0.0/16"});
}

TEST(ParseConfigError, MixedFamiliesInASet) {
    expect_invalid(
        {{"ranges",
          json::array({json::array({{{"subnet", "10.0.0.0/24"}}, {{"subnet", "fd00::/64"}}})})}},
        {"ipam.ranges[0][1].subnet \"fd00::/64\"", "IPv6", "ipam.ranges[0][0] is IPv4"});
}

TEST(ParseConfigError, OverlappingRangeSets) {
    expect_invalid({{"ranges", json::array({json::array({{{"subnet", "10.0.0.0/24"}}}),
                                            json::array({{{"subnet", "fd00::/64"}}}),
                                            json::array({{{"subnet", "10.0.0.0/25"}}})})}},
                   {"ipam.ranges[2] overlaps ipam.ranges[0]", "10.0.0.0/25", "10.0.0.0/24"});
    expect_invalid({{"subnet", "10.0.0.0/24"},
                    {"ranges", json::array({json::array({{{"subnet", "10.0.0.128/25"}}})})}},
                   {"ipam.ranges[0] overlaps ipam:", "10.0.0.128/25", "10.0.0.0/24"});
}

TEST(ParseConfigError, Routes) {
    json base = {{"subnet", "10.0.0.0/24"}};
    auto with_routes = [&](json routes) {
        json ipam = base;
        ipam["routes"] = routes;
        return ipam;
    };
    expect_invalid(with_routes("0.0.0.0/0"), {"ipam.routes \"0.0.0.0/0\"", "not an array"});
    expect_invalid(with_routes({"0.0.0.0/0"}), {"ipam.routes[0] \"0.0.0.0/0\"", "not an object"});
    expect_invalid(with_routes(json::array({{{"gw", "10.0.0.1"}}})),
                   {"ipam.routes[0].dst", "missing"});
    expect_invalid(with_routes(json::array({{{"dst", "0.0.0.0/0"}}, {{"dst", "default"}}})),
                   {"ipam.routes[1].dst \"default\"", "not an address/length prefix"});
    expect_invalid(with_routes(json::array({{{"dst", "10.1.2.3/8"}}})),
                   {"ipam.routes[0].dst \"10.1.2.3/8\"", "host bits"});
    expect_invalid(with_routes(json::array({{{"dst", "0.0.0.0/0"}, {"gw", "10.0.0.x"}}})),
                   {"ipam.routes[0].gw \"10.0.0.x\"", "not an IP address"});
    expect_invalid(with_routes(json::array({{{"dst", "0.0.0.0/0"}, {"gw", "fd00::1"}}})),
                   {"ipam.routes[0].gw \"fd00::1\"", "IPv6", "\"0.0.0.0/0\" is IPv4"});
}

TEST(ParseConfigError, DataDir) {
    expect_invalid({{"subnet", "10.0.0.0/24"}, {"dataDir", ""}}, {"ipam.dataDir \"\""});
    expect_invalid({{"subnet", "10.0.0.0/24"}, {"dataDir", "var/lib"}},
                   {"ipam.dataDir \"var/lib\"", "not an absolute path"});
    expect_invalid({{"subnet", "10.0.0.0/24"}, {"dataDir", 1}}, {"ipam.dataDir 1", "not a string"});
    // A NUL would end the path early: "/run/x\0/../y" must not become /run/x.
    expect_invalid({{"subnet", "10.0.0.0/24"}, {"dataDir", std::string("/run/x\0/../y", 12)}},
                   {"ipam.dataDir \"/run/x\\u0000/../y\"", "contains a NUL character"});
}

json set_of(const char* subnet) { return json::array({{{"subnet", subnet}}}); }

TEST(ParseConfig, IpRangesComeFirstThenTheLegacyRangeThenRanges) {
    const json ip_ranges = json::array({set_of("10.1.0.0/24"), set_of("fd01::/64")});
    Config config = parse_config(
        {{"subnet", "10.9.0.0/24"}, {"ranges", json::array({set_of("10.8.0.0/24")})}}, &ip_ranges);
    ASSERT_EQ(config.range_sets.size(), 4u);
    EXPECT_EQ(config.range_sets[0][0].subnet, prefix("10.1.0.0/24"));
    EXPECT_EQ(config.range_sets[1][0].subnet, prefix("fd01::/64"));
    EXPECT_EQ(config.range_sets[2][0].subnet, prefix("10.9.0.0/24"));
    EXPECT_EQ(config.range_sets[3][0].subnet, prefix("10.8.0.0/24"));
}

TEST(ParseConfig, IpRangesAloneAreEnoughAndGetDefaults) {
    const json ip_ranges = json::array({json::array(
        {{{"subnet", "10.1.0.0/24"}, {"rangeStart", "10.1.0.10"}}, {{"subnet", "10.2.0.0/24"}}})});
    Config config = parse_config({{"type", "nsveth-ipam"}}, &ip_ranges);
    ASSERT_EQ(config.range_sets.size(), 1u);
    ASSERT_EQ(config.range_sets[0].size(), 2u);
    EXPECT_EQ(config.range_sets[0][0].range_start, ip("10.1.0.10"));
    EXPECT_EQ(config.range_sets[0][0].gateway, ip("10.1.0.1"));
    EXPECT_EQ(config.range_sets[0][1].range_end, ip("10.2.0.254"));
}

TEST(ParseConfig, NullOrEmptyIpRangesAddNothing) {
    for (const json& ip_ranges : {json(nullptr), json::array()}) {
        Config config = parse_config(one_range({{"subnet", "10.0.0.0/24"}}), &ip_ranges);
        ASSERT_EQ(config.range_sets.size(), 1u) << ip_ranges.dump();
        EXPECT_EQ(config.range_sets[0][0].subnet, prefix("10.0.0.0/24"));
    }
}

TEST(ParseConfigError, IpRanges) {
    auto expect = [](const json& ip_ranges, std::initializer_list<std::string> fragments,
                     const json& ipam = json::object()) {
        expect_invalid(ipam, fragments, &ip_ranges);
    };
    expect(json{{"subnet", "10.0.0.0/24"}}, {"runtimeConfig.ipRanges {", "is not an array"});
    expect(json::array({json{{"subnet", "10.0.0.0/24"}}}),
           {"runtimeConfig.ipRanges[0] {\"subnet\":\"10.0.0.0/24\"}", "not an array of ranges"});
    expect(json::array({json::array()}), {"runtimeConfig.ipRanges[0] []", "empty"});
    expect(json::array({set_of("10.0.0.0/24"), json::array({5})}),
           {"runtimeConfig.ipRanges[1][0] 5", "not an object"});
    expect(json::array({set_of("10.0.0.0/24"), set_of("10.1.0.1/24")}),
           {"runtimeConfig.ipRanges[1][0].subnet \"10.1.0.1/24\" has host bits set"});
    expect(json::array({json::array({{{"subnet", "10.0.0.0/24"}, {"rangeEnd", "10.0.1.9"}}})}),
           {"runtimeConfig.ipRanges[0][0].rangeEnd \"10.0.1.9\"", "outside subnet"});
    expect(json::array({json::array({{{"subnet", "10.0.0.0/24"}}, {{"subnet", "10.0.0.0/25"}}})}),
           {"runtimeConfig.ipRanges[0][1]", "overlaps runtimeConfig.ipRanges[0][0]"});
    expect(json::array({set_of("10.0.0.0/24")}),
           {"ipam.ranges[0] overlaps runtimeConfig.ipRanges[0]", "10.0.0.128/25"},
           json{{"ranges", json::array({set_of("10.0.0.128/25")})}});
    expect(json::array({set_of("10.0.0.0/24")}), {"ipam overlaps runtimeConfig.ipRanges[0]"},
           json{{"subnet", "10.0.0.0/16"}});
    expect(json::array(), {"\"ranges\"", "\"subnet\"", "ipRanges", "no range"});
}

TEST(ParseConfig, ResolvConfIsKeptAsGiven) {
    auto resolv_conf = [](const json& value) {
        return parse_config({{"subnet", "10.0.0.0/24"}, {"resolvConf", value}}).resolv_conf;
    };
    EXPECT_EQ(resolv_conf("/etc/resolv.conf"), "/etc/resolv.conf");
    EXPECT_EQ(resolv_conf("relative/resolv.conf"), "relative/resolv.conf");
    EXPECT_EQ(resolv_conf(""), "");
    EXPECT_EQ(resolv_conf(nullptr), "");
    EXPECT_EQ(parse_config({{"subnet", "10.0.0.0/24"}}).resolv_conf, "");
}

TEST(ParseConfigError, ResolvConf) {
    expect_invalid({{"subnet", "10.0.0.0/24"}, {"resolvConf", 5}},
                   {"ipam.resolvConf 5", "not a string"});
    expect_invalid({{"subnet", "10.0.0.0/24"}, {"resolvConf", json::array({"/etc/resolv.conf"})}},
                   {"ipam.resolvConf [\"/etc/resolv.conf\"]", "not a string"});
}

}  // namespace
}  // namespace nsveth::ipam
