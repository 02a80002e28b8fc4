// render_result's exact shape in each supported version, parse_result's round trip through each
// of them, and the decode errors a malformed prevResult produces.
#include "plugin/result.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "tests/unit/plugin/catch_cni_error.h"

namespace nsveth {
namespace {

using nlohmann::json;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

// What ADD returns for a dual-stack attachment: host veth, container eth0, one address and
// default route per family, the first route with every 1.1 extra (table and scope 0 included).
Result dual_stack() {
    Result result;
    result.interfaces = {{"veth5f3a9c1e", "ee:ee:ee:ee:ee:01", 1450, ""},
                         {"eth0", "0a:58:0a:16:00:05", 1450, "/var/run/netns/pod1"}};
    result.ips = {{prefix("10.22.0.5/24"), ip("10.22.0.1"), 1},
                  {prefix("fd00:22::5/64"), ip("fd00:22::1"), 1}};
    result.routes = {{prefix("0.0.0.0/0"), ip("10.22.0.1"), 1400, 1360, 10, 0, 0},
                     {prefix("::/0"), ip("fd00:22::1"), {}, {}, {}, {}, {}}};
    result.dns = {{"10.22.0.1", "fd00:22::1"}, "", {"svc.cluster.local"}, {}};
    return result;
}

// The dual-stack result as 0.3.0, 0.3.1 and 0.4.0 print it.
json legacy_shape(const char* version) {
    json shape = json::parse(R"({
        "interfaces": [{"name": "veth5f3a9c1e", "mac": "ee:ee:ee:ee:ee:01"},
                       {"name": "eth0", "mac": "0a:58:0a:16:00:05",
                        "sandbox": "/var/run/netns/pod1"}],
        "ips": [{"version": "4", "address": "10.22.0.5/24", "gateway": "10.22.0.1",
                 "interface": 1},
                {"version": "6", "address": "fd00:22::5/64", "gateway": "fd00:22::1",
                 "interface": 1}],
        "routes": [{"dst": "0.0.0.0/0", "gw": "10.22.0.1"}, {"dst": "::/0", "gw": "fd00:22::1"}],
        "dns": {"nameservers": ["10.22.0.1", "fd00:22::1"], "search": ["svc.cluster.local"]}
    })");
    shape["cniVersion"] = version;
    return shape;
}

TEST(RenderResult, LegacyVersionsCarryIpVersionsAndNo11Fields) {
    for (const char* version : {"0.3.0", "0.3.1", "0.4.0"})
        EXPECT_EQ(render_result(dual_stack(), version), legacy_shape(version)) << version;
}

TEST(RenderResult, Version100DropsIpVersionsAnd11Fields) {
    EXPECT_EQ(render_result(dual_stack(), "1.0.0"), json::parse(R"({
        "cniVersion": "1.0.0",
        "interfaces": [{"name": "veth5f3a9c1e", "mac": "ee:ee:ee:ee:ee:01"},
                       {"name": "eth0", "mac": "0a:58:0a:16:00:05",
                        "sandbox": "/var/run/netns/pod1"}],
        "ips": [{"address": "10.22.0.5/24", "gateway": "10.22.0.1", "interface": 1},
                {"address": "fd00:22::5/64", "gateway": "fd00:22::1", "interface": 1}],
        "routes": [{"dst": "0.0.0.0/0", "gw": "10.22.0.1"}, {"dst": "::/0", "gw": "fd00:22::1"}],
        "dns": {"nameservers": ["10.22.0.1", "fd00:22::1"], "search": ["svc.cluster.local"]}
    })"));
}

TEST(RenderResult, Version110CarriesMtuAndRouteExtras) {
    EXPECT_EQ(render_result(dual_stack(), "1.1.0"), json::parse(R"({
        "cniVersion": "1.1.0",
        "interfaces": [{"name": "veth5f3a9c1e", "mac": "ee:ee:ee:ee:ee:01", "mtu": 1450},
                       {"name": "eth0", "mac": "0a:58:0a:16:00:05", "mtu": 1450,
                        "sandbox": "/var/run/netns/pod1"}],
        "ips": [{"address": "10.22.0.5/24", "gateway": "10.22.0.1", "interface": 1},
                {"address": "fd00:22::5/64", "gateway": "fd00:22::1", "interface": 1}],
        "routes": [{"dst": "0.0.0.0/0", "gw": "10.22.0.1", "mtu": 1400, "advmss": 1360,
                    "priority": 10, "table": 0, "scope": 0},
                   {"dst": "::/0", "gw": "fd00:22::1"}],
        "dns": {"nameservers": ["10.22.0.1", "fd00:22::1"], "search": ["svc.cluster.local"]}
    })"));
}

TEST(RenderResult, PutsCniVersionFirst) {
    for (const char* version : {"0.3.0", "1.0.0", "1.1.0"}) {
        const std::string text = render_result(dual_stack(), version).dump();
        EXPECT_EQ(text.rfind(R"({"cniVersion":")" + std::string(version) + "\",", 0), 0u) << text;
    }
}

TEST(RenderResult, EmitsInterfaceIndexZeroAndOmitsUnsetFields) {
    Result result;
    result.interfaces = {{"eth0", "", {}, ""}};
    result.ips = {{prefix("10.22.0.5/24"), {}, 0}, {prefix("10.23.0.5/24"), {}, {}}};
    result.routes = {{prefix("10.0.0.0/8"), {}, {}, {}, {}, {}, {}}};
    for (const char* version : {"0.4.0", "1.0.0", "1.1.0"}) {
        const json rendered = render_result(result, version);
        EXPECT_EQ(rendered["interfaces"], json::parse(R"([{"name": "eth0"}])")) << version;
        EXPECT_EQ(rendered["ips"][0]["interface"], 0) << version;
        EXPECT_FALSE(rendered["ips"][0].contains("gateway")) << version;
        EXPECT_FALSE(rendered["ips"][1].contains("interface")) << version;
        EXPECT_EQ(rendered["routes"], json::parse(R"([{"dst": "10.0.0.0/8"}])")) << version;
        EXPECT_FALSE(rendered.contains("dns")) << version;
    }
}

TEST(RenderResult, OmitsEmptyListsAndEmptyDnsFields) {
    EXPECT_EQ(render_result(Result{}, "1.1.0"), json::parse(R"({"cniVersion": "1.1.0"})"));

    Result only_domain;
    only_domain.dns.domain = "example.org";
    EXPECT_EQ(render_result(only_domain, "0.3.1"),
              json::parse(R"({"cniVersion": "0.3.1", "dns": {"domain": "example.org"}})"));

    Result only_options;
    only_options.dns.options = {"ndots:5"};
    EXPECT_EQ(render_result(only_options, "1.0.0"),
              json::parse(R"({"cniVersion": "1.0.0", "dns": {"options": ["ndots:5"]}})"));
}

TEST(RenderResult, Versions010And020HaveTheIp4Ip6Shape) {
    for (const char* version : {"0.1.0", "0.2.0"}) {
        Result result = dual_stack();
        EXPECT_EQ(render_result(result, version), json::parse(std::string(R"({
            "cniVersion": ")") + version + R"(",
            "ip4": {"ip": "10.22.0.5/24", "gateway": "10.22.0.1",
                    "routes": [{"dst": "0.0.0.0/0", "gw": "10.22.0.1"}]},
            "ip6": {"ip": "fd00:22::5/64", "gateway": "fd00:22::1",
                    "routes": [{"dst": "::/0", "gw": "fd00:22::1"}]},
            "dns": {"nameservers": ["10.22.0.1", "fd00:22::1"], "search": ["svc.cluster.local"]}
        })")) << version;
        // Go's conversion to 0.2.0 fails without any address; so does ours.
        result.ips.clear();
        EXPECT_EQ(catch_cni_error([&] { render_result(result, version); }).code(),
                  kIncompatibleVersion);
    }
}

TEST(ParseResult, ReadsTheIp4Ip6ShapeOfADelegatedIpam) {
    const Result result = parse_result(json::parse(R"({"cniVersion": "0.2.0",
        "ip4": {"ip": "10.22.0.5/24", "gateway": "10.22.0.1",
                "routes": [{"dst": "0.0.0.0/0"}]},
        "ip6": {"ip": "fd00:22::5/64"},
        "dns": {"nameservers": ["10.22.0.1"]}})"));
    ASSERT_EQ(result.ips.size(), 2u);
    EXPECT_EQ(result.ips[0].address, prefix("10.22.0.5/24"));
    EXPECT_EQ(result.ips[0].gateway, ip("10.22.0.1"));
    EXPECT_EQ(result.ips[1].address, prefix("fd00:22::5/64"));
    EXPECT_FALSE(result.ips[1].gateway);
    ASSERT_EQ(result.routes.size(), 1u);
    EXPECT_EQ(result.routes[0].dst, prefix("0.0.0.0/0"));
    EXPECT_EQ(result.dns.nameservers, std::vector<std::string>{"10.22.0.1"});
}

TEST(RenderResult, RefusesAVersionItCannotShape) {
    for (const char* version : {"0.2", "1.2.0", ""}) {
        const CniError error = catch_cni_error([&] { render_result(dual_stack(), version); });
        EXPECT_EQ(error.code(), kIncompatibleVersion) << version;
    }
}

void expect_same_result(const Result& actual, const Result& expected) {
    ASSERT_EQ(actual.interfaces.size(), expected.interfaces.size());
    for (std::size_t i = 0; i < actual.interfaces.size(); ++i) {
        EXPECT_EQ(actual.interfaces[i].name, expected.interfaces[i].name);
        EXPECT_EQ(actual.interfaces[i].mac, expected.interfaces[i].mac);
        EXPECT_EQ(actual.interfaces[i].mtu, expected.interfaces[i].mtu);
        EXPECT_EQ(actual.interfaces[i].sandbox, expected.interfaces[i].sandbox);
    }
    ASSERT_EQ(actual.ips.size(), expected.ips.size());
    for (std::size_t i = 0; i < actual.ips.size(); ++i) {
        EXPECT_EQ(actual.ips[i].address, expected.ips[i].address);
        EXPECT_EQ(actual.ips[i].gateway, expected.ips[i].gateway);
        EXPECT_EQ(actual.ips[i].interface, expected.ips[i].interface);
    }
    ASSERT_EQ(actual.routes.size(), expected.routes.size());
    for (std::size_t i = 0; i < actual.routes.size(); ++i) {
        const Route& a = actual.routes[i];
        const Route& e = expected.routes[i];
        EXPECT_EQ(a.dst, e.dst);
        EXPECT_EQ(a.gw, e.gw);
        EXPECT_EQ(a.mtu, e.mtu);
        EXPECT_EQ(a.advmss, e.advmss);
        EXPECT_EQ(a.priority, e.priority);
        EXPECT_EQ(a.table, e.table);
        EXPECT_EQ(a.scope, e.scope);
    }
    EXPECT_EQ(actual.dns.nameservers, expected.dns.nameservers);
    EXPECT_EQ(actual.dns.domain, expected.dns.domain);
    EXPECT_EQ(actual.dns.search, expected.dns.search);
    EXPECT_EQ(actual.dns.options, expected.dns.options);
}

TEST(ParseResult, RoundTripsEveryVersion) {
    Result full = dual_stack();
    full.dns.domain = "cluster.local";
    full.dns.options = {"ndots:5"};
    for (const char* version : {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}) {
        const json rendered = render_result(full, version);
        const Result parsed = parse_result(rendered);
        EXPECT_EQ(render_result(parsed, version), rendered) << version;
    }
    // 1.1.0 carries every field, so nothing is lost.
    expect_same_result(parse_result(render_result(full, "1.1.0")), full);

    // Older shapes lose exactly the 1.1 fields.
    Result without_11_fields = full;
    for (Interface& interface : without_11_fields.interfaces) interface.mtu.reset();
    for (Route& route : without_11_fields.routes) route = {route.dst, route.gw, {}, {}, {}, {}, {}};
    expect_same_result(parse_result(render_result(full, "0.4.0")), without_11_fields);
}

TEST(ParseResult, KeepsSocketPathAndPciIdForVersion110Only) {
    const Result result = parse_result(json::parse(R"({"cniVersion": "1.1.0",
        "interfaces": [{"name": "net1", "socketPath": "/run/x.sock", "pciID": "0000:00:01.0"}]})"));
    EXPECT_EQ(render_result(result, "1.1.0")["interfaces"],
              json::parse(R"([{"name": "net1", "socketPath": "/run/x.sock",
                                "pciID": "0000:00:01.0"}])"));
    EXPECT_EQ(render_result(result, "1.0.0")["interfaces"],
              json::parse(R"([{"name": "net1"}])"));
}

TEST(ParseResult, RouteTablesAndPrioritiesTakeTheKernelsWholeU32) {
    const Result result = parse_result(json::parse(R"({"cniVersion": "1.1.0",
        "routes": [{"dst": "10.0.0.0/8", "table": 3000000000, "priority": 4294967295}]})"));
    EXPECT_EQ(result.routes[0].table, 3000000000u);
    EXPECT_EQ(result.routes[0].priority, 4294967295u);
    EXPECT_EQ(render_result(result, "1.1.0")["routes"][0]["table"], 3000000000u);
}

TEST(ParseResult, IgnoresUnknownKeysAndTreatsNullAsUnset) {
    const Result result = parse_result(json::parse(R"({
        "cniVersion": "1.1.0", "vendor": {"x": 1},
        "interfaces": [{"name": "eth0", "socketPath": null, "pciID": null,
                        "mac": null, "mtu": null}],
        "ips": [{"address": "10.22.0.5/24", "version": "4", "gateway": "", "interface": null,
                 "extra": true}],
        "routes": [{"dst": "0.0.0.0/0", "gw": null, "table": null}],
        "dns": null
    })"));
    ASSERT_EQ(result.interfaces.size(), 1u);
    EXPECT_EQ(result.interfaces[0].name, "eth0");
    EXPECT_EQ(result.interfaces[0].mac, "");
    EXPECT_FALSE(result.interfaces[0].mtu);
    ASSERT_EQ(result.ips.size(), 1u);
    EXPECT_EQ(result.ips[0].address, prefix("10.22.0.5/24"));
    EXPECT_FALSE(result.ips[0].gateway);
    EXPECT_FALSE(result.ips[0].interface);
    ASSERT_EQ(result.routes.size(), 1u);
    EXPECT_FALSE(result.routes[0].gw);
    EXPECT_FALSE(result.routes[0].table);
    EXPECT_TRUE(result.dns.empty());

    // An IPAM-style result: no interfaces, no interface index.
    const Result ipam = parse_result(json::parse(
        R"({"cniVersion": "0.3.1", "ips": [{"version": "6", "address": "fd00::5/64"}]})"));
    ASSERT_EQ(ipam.ips.size(), 1u);
    EXPECT_EQ(ipam.ips[0].address, prefix("fd00::5/64"));
}

// Parses `text` as a prevResult and returns the message of the kDecodeFailure it must raise.
std::string decode_error(const char* text) {
    const CniError error = catch_cni_error([&] { parse_result(json::parse(text)); });
    EXPECT_EQ(error.code(), kDecodeFailure) << text;
    return error.what();
}

TEST(ParseResult, NamesTheFieldOfAWrongTypeOrBadValue) {
    const char* two_ips = R"({"ips": [{"address": "10.0.0.1/24"}, {"address": "x"}]})";
    EXPECT_EQ(decode_error(two_ips),
              R"(invalid prevResult.ips[1].address "x": not an IP address with prefix length)");
    EXPECT_EQ(
        decode_error(R"({"ips": [{"address": "10.0.0.1"}]})"),
        R"(invalid prevResult.ips[0].address "10.0.0.1": not an IP address with prefix length)");
    EXPECT_EQ(decode_error(R"({"ips": [{"address": 5}]})"),
              "prevResult.ips[0].address: expected a string, got number");
    EXPECT_EQ(decode_error(R"({"ips": [{"gateway": "10.0.0.1"}]})"),
              "prevResult.ips[0].address: missing");
    EXPECT_EQ(decode_error(R"({"ips": [{"address": "10.0.0.5/24", "gateway": "10.0.0"}]})"),
              R"(invalid prevResult.ips[0].gateway "10.0.0": not an IP address)");
    EXPECT_EQ(decode_error(R"({"routes": [{"dst": "0.0.0.0/0", "gw": "fd00::/64"}]})"),
              R"(invalid prevResult.routes[0].gw "fd00::/64": not an IP address)");
    // Route tables and priorities are the kernel's u32.
    EXPECT_EQ(decode_error(R"({"routes": [{"dst": "0.0.0.0/0", "table": -1}]})"),
              "invalid prevResult.routes[0].table -1: not between 0 and 4294967295");
    EXPECT_EQ(decode_error(R"({"routes": [{"dst": "0.0.0.0/0", "priority": 4294967296}]})"),
              "invalid prevResult.routes[0].priority 4294967296: not between 0 and 4294967295");
    EXPECT_EQ(decode_error(R"({"routes": [{"dst": "0.0.0.0/0", "mtu": "1400"}]})"),
              "prevResult.routes[0].mtu: expected an integer, got string");
    EXPECT_EQ(decode_error(R"({"interfaces": [{"name": 1}]})"),
              "prevResult.interfaces[0].name: expected a string, got number");
    EXPECT_EQ(decode_error(R"({"interfaces": [{"mac": "aa:bb:cc:dd:ee:ff"}]})"),
              "prevResult.interfaces[0].name: missing");
    EXPECT_EQ(decode_error(R"({"interfaces": {"name": "eth0"}})"),
              "prevResult.interfaces: expected an array, got object");
    EXPECT_EQ(decode_error(R"({"ips": ["10.0.0.5/24"]})"),
              "prevResult.ips[0]: expected an object, got string");
    EXPECT_EQ(decode_error(R"(["10.0.0.5/24"])"), "prevResult: expected an object, got array");
    EXPECT_EQ(decode_error(R"({"dns": {"nameservers": [1]}})"),
              "prevResult.dns.nameservers[0]: expected a string, got number");
}

TEST(ParseResult, InterfaceMustBeAnIndexIntoInterfaces) {
    const char* base = R"({"interfaces": [{"name": "veth0"}, {"name": "eth0"}], "ips": [)";
    auto with_ip = [&](const char* ip_json) { return std::string(base) + ip_json + "]}"; };

    EXPECT_EQ(parse_result(json::parse(with_ip(R"({"address": "10.0.0.5/24", "interface": 0})")))
                  .ips[0]
                  .interface,
              0);
    EXPECT_EQ(decode_error(with_ip(R"({"address": "10.0.0.5/24", "interface": -1})").c_str()),
              "invalid prevResult.ips[0].interface -1: not between 0 and 2147483647");
    EXPECT_EQ(decode_error(with_ip(R"({"address": "10.0.0.5/24", "interface": 1.0})").c_str()),
              "prevResult.ips[0].interface: expected an integer, got number");
    EXPECT_EQ(decode_error(with_ip(R"({"address": "10.0.0.5/24", "interface": "1"})").c_str()),
              "prevResult.ips[0].interface: expected an integer, got string");
    EXPECT_EQ(decode_error(with_ip(R"({"address": "10.0.0.5/24", "interface": 2})").c_str()),
              "invalid prevResult.ips[0].interface 2: not an index into interfaces");
    EXPECT_EQ(
        decode_error(with_ip(R"({"address": "10.0.0.5/24", "interface": 4294967296})").c_str()),
        "invalid prevResult.ips[0].interface 4294967296: not between 0 and 2147483647");
}

TEST(ParseDns, ReadsEveryFieldAndRejectsWrongTypes) {
    const Dns dns = parse_dns(json::parse(R"({"nameservers": ["10.0.0.53", "fd00::53"],
        "domain": "example.org", "search": ["a.example.org", "example.org"],
        "options": ["ndots:2", "edns0"], "unknown": 1})"));
    EXPECT_EQ(dns.nameservers, (std::vector<std::string>{"10.0.0.53", "fd00::53"}));
    EXPECT_EQ(dns.domain, "example.org");
    EXPECT_EQ(dns.search, (std::vector<std::string>{"a.example.org", "example.org"}));
    EXPECT_EQ(dns.options, (std::vector<std::string>{"ndots:2", "edns0"}));
    EXPECT_TRUE(parse_dns(json::object()).empty());

    const std::pair<const char*, const char*> bad[] = {
        {R"({"domain": 5})", "dns.domain: expected a string, got number"},
        {R"({"nameservers": "10.0.0.53"})", "dns.nameservers: expected an array, got string"},
        {R"({"search": ["a", null]})", "dns.search[1]: expected a string, got null"},
        {R"({"options": [true]})", "dns.options[0]: expected a string, got boolean"},
        {R"(["10.0.0.53"])", "dns: expected an object, got array"},
    };
    for (const auto& [text, message] : bad) {
        const CniError error = catch_cni_error([&] { parse_dns(json::parse(text)); });
        EXPECT_EQ(error.code(), kDecodeFailure) << text;
        EXPECT_STREQ(error.what(), message);
    }
}

}  // namespace
}  // namespace nsveth
