// End to end, the inputs a real runtime sends beyond the basics: a prevResult from an earlier
// plugin, runtimeConfig capabilities (mac, ips, dns, and ones nsveth leaves to others), CNI_ARGS,
// link and route options, and the sysctls nsveth sets on both sides.
#include <gtest/gtest.h>

#include "tests/support/network.h"

namespace nsveth::testing {
namespace {

using nlohmann::json;

void expect_ok(const ProcessResult& run, const char* what) {
    EXPECT_EQ(run.status, 0) << what << ": " << run.out << run.err;
}

std::string in(const ScopedNetns& ns, const std::string& command) {
    return shell_in(ns.path(), command).out;
}

TEST(RuntimeInputs, ChainedAfterLoopbackKeepsItsResult) {
    TestNetwork network(50, false);
    ScopedNetns pod("nsvt-p");
    json loopback_config = {
        {"cniVersion", "1.0.0"}, {"name", network.name()}, {"type", "loopback"}};
    auto loopback = network.exec_plugin(std::string(kReferencePluginDir) + "/loopback", "ADD",
                                        "chain", pod.path(), "lo", loopback_config);
    ASSERT_EQ(loopback.status, 0) << loopback.out << loopback.err;
    json previous = json::parse(loopback.out);

    json config = network.config("1.0.0");
    config["prevResult"] = previous;
    auto add = network.exec("ADD", "chain", pod.path(), "eth0", config);
    ASSERT_EQ(add.status, 0) << add.out;
    json result = json::parse(add.out);
    ASSERT_EQ(result["interfaces"].size(), previous["interfaces"].size() + 2);
    EXPECT_EQ(result["interfaces"][0], previous["interfaces"][0])
        << "earlier interfaces stay first";
    for (std::size_t i = 0; i < previous["ips"].size(); ++i)
        EXPECT_EQ(result["ips"][i], previous["ips"][i]);
    const json& ours = result["ips"].back();
    EXPECT_EQ(ours["interface"], previous["interfaces"].size() + 1);
    EXPECT_EQ(result["interfaces"][ours["interface"].get<int>()]["name"], "eth0");

    json check = network.config("1.0.0");
    check["prevResult"] = result;
    expect_ok(network.exec("CHECK", "chain", pod.path(), "eth0", check), "CHECK after chain");
    expect_ok(network.exec("DEL", "chain", pod.path(), "eth0", check), "DEL");
}

TEST(RuntimeInputs, MacAndIpsFromRuntimeConfigLandOnTheInterface) {
    TestNetwork network(51, false);
    ScopedNetns pod("nsvt-p"), second("nsvt-p");
    json config = network.config();
    config["runtimeConfig"] = {{"mac", "02:11:22:33:44:55"},
                               {"ips", {"10.77.51.9/24"}},
                               {"portMappings", {{{"hostPort", 8080}, {"containerPort", 80}}}},
                               {"bandwidth", {{"ingressRate", 1000}}},
                               {"someFutureCapability", true}};
    auto add = network.exec("ADD", "caps", pod.path(), "eth0", config);
    ASSERT_EQ(add.status, 0) << add.out;
    json result = json::parse(add.out);
    EXPECT_EQ(result["interfaces"][1]["mac"], "02:11:22:33:44:55");
    EXPECT_NE(in(pod, "ip -o link show eth0").find("02:11:22:33:44:55"), std::string::npos);
    EXPECT_NE(in(pod, "ip -o addr show eth0").find("10.77.51.9/24"), std::string::npos);

    auto via_args = network.exec_plugin(nsveth_binary(), "ADD", "caps2", second.path(), "eth0",
                                        network.config(),
                                        {{"CNI_ARGS", "IgnoreUnknown=1;MAC=02:aa:bb:cc:dd:ee"}});
    ASSERT_EQ(via_args.status, 0) << via_args.out;
    EXPECT_NE(in(second, "ip -o link show eth0").find("02:aa:bb:cc:dd:ee"), std::string::npos);

    json bad_mac = network.config();
    bad_mac["runtimeConfig"] = {{"mac", "02:11:22"}};
    ScopedNetns third("nsvt-p");
    auto refused = network.exec("ADD", "caps3", third.path(), "eth0", bad_mac);
    EXPECT_EQ(json::parse(refused.out)["code"], 7) << refused.out;

    expect_ok(network.exec("DEL", "caps", pod.path(), "eth0", config), "DEL");
    expect_ok(network.exec("DEL", "caps2", second.path(), "eth0", network.config()), "DEL 2");
}

TEST(RuntimeInputs, CniArgsUnknownKeyAndMalformedPairAreRefused) {
    TestNetwork network(52, false);
    ScopedNetns pod("nsvt-p");
    for (const char* args : {"FOO=bar", "K8S_POD_NAME=x;garbage"}) {
        auto add = network.exec_plugin(nsveth_binary(), "ADD", "args", pod.path(), "eth0",
                                       network.config(), {{"CNI_ARGS", args}});
        EXPECT_NE(add.status, 0);
        json error = json::parse(add.out);
        EXPECT_EQ(error["code"], 4) << add.out;
        EXPECT_EQ(in(pod, "ip -o link show | grep -vc ': lo:'"), "0\n");
    }
    auto kubernetes = network.exec_plugin(
        nsveth_binary(), "ADD", "args", pod.path(), "eth0", network.config(),
        {{"CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;"
                      "K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=1234"}});
    expect_ok(kubernetes, "Kubernetes CNI_ARGS");
    expect_ok(network.exec("DEL", "args", pod.path(), "eth0", network.config()), "DEL");
}

TEST(RuntimeInputs, RouteAndLinkOptionsAreAppliedAndReported) {
    TestNetwork network(53, false);
    network.ipam()["routes"] = json::parse(R"([
        {"dst": "0.0.0.0/0"},
        {"dst": "10.200.0.0/16", "mtu": 1300, "advmss": 1200, "priority": 50},
        {"dst": "10.201.0.0/16", "table": 100}])");
    ScopedNetns pod("nsvt-p");
    json config = network.config("1.1.0");
    config["mtu"] = 1400;
    auto add = network.exec("ADD", "opts", pod.path(), "eth0", config);
    ASSERT_EQ(add.status, 0) << add.out;
    json result = json::parse(add.out);
    EXPECT_EQ(result["interfaces"][0]["mtu"], 1400);
    EXPECT_EQ(result["interfaces"][1]["mtu"], 1400);
    EXPECT_NE(in(pod, "ip -o link show eth0").find("mtu 1400"), std::string::npos);
    EXPECT_NE(shell_in(network.host().path(), "ip -o link show type veth").out.find("mtu 1400"),
              std::string::npos);

    std::string routes = in(pod, "ip route show");
    EXPECT_NE(routes.find("10.200.0.0/16 via 10.77.53.1 dev eth0 metric 50 mtu 1300 advmss 1200"),
              std::string::npos) << routes;
    EXPECT_NE(in(pod, "ip route show table 100").find("10.201.0.0/16 via 10.77.53.1 dev eth0"),
              std::string::npos);
    json reported;
    for (const auto& route : result["routes"])
        if (route["dst"] == "10.200.0.0/16") reported = route;
    EXPECT_EQ(reported["mtu"], 1300);
    EXPECT_EQ(reported["advmss"], 1200);
    EXPECT_EQ(reported["priority"], 50);

    json check = config;
    check["prevResult"] = result;
    expect_ok(network.exec("CHECK", "opts", pod.path(), "eth0", check), "CHECK");
    ASSERT_EQ(shell_in(pod.path(), "ip route del 10.201.0.0/16 table 100").status, 0);
    auto broken = network.exec("CHECK", "opts", pod.path(), "eth0", check);
    EXPECT_NE(broken.out.find("10.201.0.0/16"), std::string::npos) << broken.out;

    // 1.0.0 has no route extras and no interface mtu.
    json old = network.config("1.0.0");
    ScopedNetns other("nsvt-p");
    auto add_old = network.exec("ADD", "opts-old", other.path(), "eth0", old);
    ASSERT_EQ(add_old.status, 0) << add_old.out;
    const json old_result = json::parse(add_old.out);  // the loop below reads into it
    for (const auto& route : old_result["routes"])
        EXPECT_FALSE(route.contains("mtu") || route.contains("table"));

    expect_ok(network.exec("DEL", "opts", pod.path(), "eth0", config), "DEL");
    expect_ok(network.exec("DEL", "opts-old", other.path(), "eth0", old), "DEL old");
}

TEST(RuntimeInputs, DnsPrecedenceRuntimeThenConfigThenIpam) {
    TestNetwork network(54, false);
    TempDir dir;
    const std::string resolv = dir.path() + "/resolv.conf";
    ASSERT_EQ(
        shell_in("", "printf 'nameserver 10.9.9.9\\nsearch ipam.local\\n' > " + resolv).status, 0);
    network.ipam()["resolvConf"] = resolv;
    ScopedNetns a("nsvt-p"), b("nsvt-p"), c("nsvt-p"), d("nsvt-p");

    json from_ipam = network.config();
    auto add = network.exec("ADD", "dns-a", a.path(), "eth0", from_ipam);
    EXPECT_EQ(json::parse(add.out)["dns"],
              json::parse(R"({"nameservers":["10.9.9.9"],"search":["ipam.local"]})"));

    json from_config = network.config();
    from_config["dns"] = {{"nameservers", {"10.8.8.8"}}};
    add = network.exec("ADD", "dns-b", b.path(), "eth0", from_config);
    EXPECT_EQ(json::parse(add.out)["dns"], json::parse(R"({"nameservers":["10.8.8.8"]})"));

    json from_runtime = from_config;
    from_runtime["runtimeConfig"] = {{"dns", {{"servers", {"10.7.7.7"}}, {"searches", {"rt.local"}},
                                              {"options", {"ndots:2"}}}}};
    add = network.exec("ADD", "dns-c", c.path(), "eth0", from_runtime);
    EXPECT_EQ(
        json::parse(add.out)["dns"],
        json::parse(R"({"nameservers":["10.7.7.7"],"search":["rt.local"],"options":["ndots:2"]})"));

    // None of the three has DNS: a previous plugin's passes through.
    json chained = network.config();
    chained["ipam"].erase("resolvConf");
    chained["prevResult"] = json::parse(
        R"({"cniVersion":"1.1.0","dns":{"nameservers":["10.6.6.6"],"domain":"prev.local"}})");
    add = network.exec("ADD", "dns-d", d.path(), "eth0", chained);
    EXPECT_EQ(json::parse(add.out)["dns"],
              json::parse(R"({"nameservers":["10.6.6.6"],"domain":"prev.local"})"))
        << add.out;

    expect_ok(network.exec("DEL", "dns-a", a.path(), "eth0", from_ipam), "DEL a");
    expect_ok(network.exec("DEL", "dns-d", d.path(), "eth0", chained), "DEL d");
    expect_ok(network.exec("DEL", "dns-b", b.path(), "eth0", from_config), "DEL b");
    expect_ok(network.exec("DEL", "dns-c", c.path(), "eth0", from_runtime), "DEL c");
}

TEST(RuntimeInputs, SysctlHygieneOnBothSides) {
    TestNetwork network(55, true);
    ScopedNetns pod("nsvt-p");
    auto add = network.exec("ADD", "sys", pod.path(), "eth0", network.config());
    ASSERT_EQ(add.status, 0) << add.out;
    std::string host_veth = json::parse(add.out)["interfaces"][0]["name"];
    EXPECT_EQ(in(pod, "cat /proc/sys/net/ipv6/conf/eth0/accept_dad"), "0\n");
    EXPECT_EQ(in(pod, "cat /proc/sys/net/ipv6/conf/eth0/keep_addr_on_down"), "1\n");
    EXPECT_EQ(in(pod, "cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6"), "0\n");
    EXPECT_EQ(in(pod, "cat /proc/sys/net/ipv6/conf/lo/disable_ipv6"), "0\n");
    EXPECT_EQ(in(pod, "ip -6 addr show dev eth0 tentative"), "") << "not even link-local waits";
    EXPECT_EQ(in(network.host(), "cat /proc/sys/net/ipv6/conf/" + host_veth + "/accept_ra"), "0\n");
    EXPECT_EQ(in(network.host(), "cat /proc/sys/net/ipv4/ip_forward"), "1\n");
    EXPECT_EQ(in(network.host(), "cat /proc/sys/net/ipv6/conf/all/forwarding"), "1\n");
    expect_ok(network.exec("DEL", "sys", pod.path(), "eth0", network.config()), "DEL");
}

TEST(RuntimeInputs, Ipv6IsEnabledInANamespaceThatHadItOff) {
    TestNetwork network(56, true);
    ScopedNetns pod("nsvt-p");
    ASSERT_EQ(shell_in(pod.path(), "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6 && "
                                   "echo 1 > /proc/sys/net/ipv6/conf/lo/disable_ipv6").status, 0);
    auto add = network.exec("ADD", "v6off", pod.path(), "eth0", network.config());
    ASSERT_EQ(add.status, 0) << add.out;
    expect_ok(shell_in(network.host().path(), "ping -6 -c1 -W2 fd00:77:56::2"), "ping v6");
    expect_ok(network.exec("DEL", "v6off", pod.path(), "eth0", network.config()), "DEL");
}

}  // namespace
}  // namespace nsveth::testing
