// End to end, ipMasq: the pod reaches an "outside" namespace that has no route back to the pod
// subnet, so replies arrive only if the host masqueraded the pod's traffic to its own address.
// DEL removes the rules (also when the pod namespace is already gone), GC removes stale ones.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/network.h"

namespace nsveth::testing {
namespace {

using nlohmann::json;

/// An "outside" namespace linked to the test host: host 10.99.<i>.1/24, outside 10.99.<i>.2/24,
/// and a counter there of echo requests that arrive from the host's address.
class Outside {
public:
    Outside(const TestNetwork& network, int index)
        : host_(network.host().path()),
          subnet_("10.99." + std::to_string(index) + "."),
          ns_("nsvt-o") {
        const std::string peer =
            "o" + std::to_string(getpid() % 100000) + "x" + std::to_string(index);
        run(host_, "ip link add " + peer + " type veth peer name eth0 netns " + ns_.path() +
                       " && ip addr add " + subnet_ + "1/24 dev " + peer + " && ip link set " +
                       peer + " up");
        run(ns_.path(), "ip addr add " + subnet_ + "2/24 dev eth0 && ip link set eth0 up && "
                        "ip link set lo up && nft add table ip seen && "
                        "nft add chain ip seen input '{ type filter hook input priority 0; }' && "
                        "nft add rule ip seen input ip saddr " + subnet_ +
                            "1 icmp type echo-request counter");
    }
    std::string address() const { return subnet_ + "2"; }
    /// Echo requests seen with the host's address as source.
    int seen_from_host() const {
        auto listing = shell_in(ns_.path(), "nft list chain ip seen input").out;
        auto at = listing.find("packets ");
        return at == std::string::npos ? -1 : std::stoi(listing.substr(at + 8));
    }

private:
    static void run(const std::string& ns, const std::string& command) {
        auto result = shell_in(ns, command);
        ASSERT_EQ(result.status, 0) << command << ": " << result.err;
    }
    std::string host_, subnet_;
    ScopedNetns ns_;
};

int rules_of(const TestNetwork& network, const std::string& address) {
    auto listing = shell_in(network.host().path(), "nft list table inet nsveth 2>/dev/null").out;
    int count = 0;
    for (std::size_t at = listing.find("saddr " + address + " "); at != std::string::npos;
         at = listing.find("saddr " + address + " ", at + 1))
        ++count;
    return count;
}

TEST(IpMasq, PodReachesOutsideWithTheHostsAddress) {
    TestNetwork network(70, false);
    Outside outside(network, 70);
    ScopedNetns pod("nsvt-p");
    json config = network.config();
    config["ipMasq"] = true;
    auto add = network.exec("ADD", "masq", pod.path(), "eth0", config);
    ASSERT_EQ(add.status, 0) << add.out;
    EXPECT_EQ(rules_of(network, "10.77.70.2"), 1);

    auto ping = shell_in(pod.path(), "ping -c2 -W2 " + outside.address());
    EXPECT_EQ(ping.status, 0) << ping.out << ping.err;
    EXPECT_GE(outside.seen_from_host(), 2) << "the outside saw the host's address as source";

    json check = config;
    check["prevResult"] = json::parse(add.out);
    EXPECT_EQ(network.exec("CHECK", "masq", pod.path(), "eth0", check).status, 0);
    ASSERT_EQ(shell_in(network.host().path(), "nft flush chain inet nsveth postrouting").status, 0);
    auto broken = network.exec("CHECK", "masq", pod.path(), "eth0", check);
    EXPECT_NE(broken.out.find("masquerade"), std::string::npos) << broken.out;

    EXPECT_EQ(network.exec("DEL", "masq", pod.path(), "eth0", check).status, 0);
    EXPECT_EQ(rules_of(network, "10.77.70.2"), 0);
}

TEST(IpMasq, DelRemovesRulesAfterTheNamespaceIsGoneAndKeepsOthers) {
    TestNetwork network(71, false);
    json config = network.config();
    config["ipMasq"] = true;
    ScopedNetns keeper("nsvt-p");
    ASSERT_EQ(network.exec("ADD", "keep", keeper.path(), "eth0", config).status, 0);
    std::string gone_path;
    {
        ScopedNetns gone("nsvt-p");
        gone_path = gone.path();
        ASSERT_EQ(network.exec("ADD", "gone", gone_path, "eth0", config).status, 0);
    }
    EXPECT_EQ(rules_of(network, "10.77.71.3"), 1);
    EXPECT_EQ(network.exec("DEL", "gone", gone_path, "eth0", config).status, 0);
    EXPECT_EQ(rules_of(network, "10.77.71.3"), 0);
    EXPECT_EQ(rules_of(network, "10.77.71.2"), 1) << "another attachment's rule stays";
    EXPECT_EQ(network.exec("DEL", "keep", "", "eth0", config).status, 0) << "no netns at all";
    EXPECT_EQ(rules_of(network, "10.77.71.2"), 0);
}

TEST(IpMasq, GcRemovesStaleRules) {
    TestNetwork network(72, false);
    json config = network.config();
    config["ipMasq"] = true;
    ScopedNetns a("nsvt-p"), b("nsvt-p");
    ASSERT_EQ(network.exec("ADD", "gc-a", a.path(), "eth0", config).status, 0);
    ASSERT_EQ(network.exec("ADD", "gc-b", b.path(), "eth0", config).status, 0);
    json gc = config;
    gc["cni.dev/valid-attachments"] = {{{"containerID", "gc-a"}, {"ifname", "eth0"}}};
    auto run = network.exec_plugin(nsveth_binary(), "GC", "", "", "", gc);
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_EQ(rules_of(network, "10.77.72.2"), 1);
    EXPECT_EQ(rules_of(network, "10.77.72.3"), 0);
    EXPECT_EQ(network.exec("DEL", "gc-a", a.path(), "eth0", config).status, 0);
    EXPECT_EQ(network.exec("DEL", "gc-b", b.path(), "eth0", config).status, 0);
}

// Rules made while ipMasq was on go with GC even after the configuration turned it off: they
// would masquerade whoever gets the address next. (DEL without ipMasq does not look.)
TEST(IpMasq, GcRemovesRulesAlsoWhenTheConfigurationTurnedIpMasqOff) {
    TestNetwork network(73, false);
    json config = network.config();
    config["ipMasq"] = true;
    ScopedNetns a("nsvt-p"), b("nsvt-p");
    ASSERT_EQ(network.exec("ADD", "off-a", a.path(), "eth0", config).status, 0);
    ASSERT_EQ(network.exec("ADD", "off-b", b.path(), "eth0", config).status, 0);
    json off = network.config();  // ipMasq absent
    ASSERT_EQ(network.exec("DEL", "off-a", a.path(), "eth0", off).status, 0);
    EXPECT_EQ(rules_of(network, "10.77.73.2"), 1);
    EXPECT_EQ(rules_of(network, "10.77.73.3"), 1);
    off["cni.dev/valid-attachments"] = json::array();
    auto gc = network.exec_plugin(nsveth_binary(), "GC", "", "", "", off);
    EXPECT_EQ(gc.status, 0) << gc.out << gc.err;
    EXPECT_EQ(rules_of(network, "10.77.73.2"), 0);
    EXPECT_EQ(rules_of(network, "10.77.73.3"), 0);
    EXPECT_EQ(network.exec("DEL", "off-b", b.path(), "eth0", off).status, 0);
}

// Forwarding is host-wide and has no undo, so ADD switches it on only after everything that can
// fail: here the masquerade chain, which a foreign chain of the same name blocks.
TEST(IpMasq, FailedAddLeavesForwardingOff) {
    TestNetwork network(74);  // dual-stack: both forwarding switches
    // A new namespace may inherit forwarding from the host's (devconf_inherit_init_net).
    ASSERT_EQ(shell_in(network.host().path(),
                       "sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 && "
                       "nft add table inet nsveth && nft add chain inet nsveth postrouting")
                  .status,
              0);
    json config = network.config();
    config["ipMasq"] = true;
    ScopedNetns pod("nsvt-p");
    auto add = network.exec("ADD", "fwd", pod.path(), "eth0", config);
    ASSERT_NE(add.status, 0);
    EXPECT_EQ(json::parse(add.out)["code"], 100) << add.out;
    EXPECT_EQ(shell_in(network.host().path(), "cat /proc/sys/net/ipv4/ip_forward").out, "0\n");
    EXPECT_EQ(shell_in(network.host().path(), "cat /proc/sys/net/ipv6/conf/all/forwarding").out,
              "0\n");
    EXPECT_EQ(shell_in(network.host().path(), "ip -o link show type veth | wc -l").out, "0\n");
}

}  // namespace
}  // namespace nsveth::testing
