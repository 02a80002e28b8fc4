// A failed ADD leaves nothing behind, however late it fails: no veth, no reservation, no route,
// no namespace it created. Failures are provoked from outside, with state a real host may have.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "plugin/attachment.h"
#include "tests/support/network.h"

namespace nsveth::testing {
namespace {

using nlohmann::json;

bool no_reservations(const TestNetwork& network) {
    auto dir = std::filesystem::path(network.data_dir()) / network.name() / "attachments";
    return !std::filesystem::exists(dir) || std::filesystem::is_empty(dir);
}

std::string host_links(const TestNetwork& network) {
    return shell_in(network.host().path(), "ip -o link show type veth").out;
}

TEST(Rollback, LateHostRouteFailureUndoesEverything) {
    TestNetwork network(31);
    // The host already routes the address IPAM will hand out, so the host route is refused —
    // after the veth, the addresses inside and the host veth address were all set up.
    ASSERT_EQ(shell_in(network.host().path(), "ip route add blackhole 10.77.31.2/32").status, 0);
    ScopedNetns pod("nsvt-p");
    auto add = network.exec("ADD", "late", pod.path(), "eth0", network.config());
    ASSERT_NE(add.status, 0);
    json error = json::parse(add.out);
    EXPECT_EQ(error["code"], 100);
    EXPECT_NE(error["msg"].get<std::string>().find("add route 10.77.31.2/32 dev veth"),
              std::string::npos) << add.out;
    EXPECT_NE(error["msg"].get<std::string>().find("File exists"), std::string::npos);
    EXPECT_EQ(host_links(network), "");
    EXPECT_TRUE(no_reservations(network));
    EXPECT_EQ(shell_in(pod.path(), "ip -o link show | grep -vc ': lo:'").out, "0\n");
    auto routes = shell_in(network.host().path(), "ip route show; ip -6 route show");
    EXPECT_EQ(routes.out.find("fd00:77:31"), std::string::npos) << routes.out;

    // The addresses were released: the next ADD gets .3 (round robin), and succeeds once the
    // conflicting route is gone.
    ASSERT_EQ(shell_in(network.host().path(), "ip route del blackhole 10.77.31.2/32").status, 0);
    auto retry = network.exec("ADD", "late", pod.path(), "eth0", network.config());
    ASSERT_EQ(retry.status, 0) << retry.out;
    EXPECT_EQ(json::parse(retry.out)["ips"][0]["address"], "10.77.31.3/24");
    ASSERT_EQ(network.exec("DEL", "late", pod.path(), "eth0", network.config()).status, 0);
}

TEST(Rollback, LoopbackOfAnExistingNamespaceIsPutBack) {
    TestNetwork network(39);  // dual-stack: ADD also switches IPv6 on for lo
    ASSERT_EQ(shell_in(network.host().path(), "ip route add blackhole 10.77.39.2/32").status, 0);
    ScopedNetns pod("nsvt-p");  // as `ip netns add` leaves it: lo down
    ASSERT_EQ(shell_in(pod.path(), "sysctl -qw net.ipv6.conf.lo.disable_ipv6=1").status, 0);
    auto add = network.exec("ADD", "lo", pod.path(), "eth0", network.config());
    ASSERT_NE(add.status, 0);
    EXPECT_EQ(json::parse(add.out)["code"], 100) << add.out;
    EXPECT_EQ(shell_in(pod.path(), "ip -o link show lo | grep -c ',UP'").out, "0\n");
    EXPECT_EQ(shell_in(pod.path(), "cat /proc/sys/net/ipv6/conf/lo/disable_ipv6").out, "1\n");
    EXPECT_EQ(shell_in(pod.path(), "ip -o link show | grep -vc ': lo:'").out, "0\n");
    EXPECT_TRUE(no_reservations(network));
}

TEST(Rollback, MtuBelowTheIpv6MinimumIsRefusedWithIpv6Addresses) {
    TestNetwork network(30);  // dual-stack
    ScopedNetns pod("nsvt-p");
    json config = network.config();
    config["mtu"] = 1000;
    auto add = network.exec("ADD", "mtu", pod.path(), "eth0", config);
    ASSERT_NE(add.status, 0);
    json error = json::parse(add.out);
    EXPECT_EQ(error["code"], 7) << add.out;
    EXPECT_NE(error["msg"].get<std::string>().find("mtu 1000 is below 1280"), std::string::npos)
        << add.out;
    EXPECT_EQ(host_links(network), "");
    EXPECT_TRUE(no_reservations(network));
}

TEST(Rollback, NamespaceCreatedForAFailedAddIsRemoved) {
    TestNetwork network(32);
    ASSERT_EQ(shell_in(network.host().path(), "ip route add blackhole 10.77.32.2/32").status, 0);
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    auto add = network.exec("ADD", "late", name, "eth0", network.config());
    ASSERT_NE(add.status, 0);
    EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name));
    EXPECT_EQ(shell_in("", "ip netns list | grep -c " + name).out, "0\n");
    EXPECT_EQ(host_links(network), "");
    EXPECT_TRUE(no_reservations(network));
}

// Switching forwarding on is ADD's last step. Where that write fails (a read-only /proc/sys, as
// some containerised runtimes have), the namespace that ADD created goes, and its record too.
TEST(Rollback, FailedForwardingTakesTheCreatedNamespaceAndItsRecord) {
    TestNetwork network(57, false);
    TempDir scripts;
    const std::string wrapper = scripts.path() + "/nsveth-with-read-only-ip-forward";
    {
        std::ofstream script(wrapper);
        script << "#!/bin/sh\nexec unshare --mount --propagation private /bin/sh -c '"
                  "f=/proc/sys/net/ipv4/ip_forward; mount --bind $f $f && "
                  "mount -o remount,bind,ro $f && exec \"$0\"' "
               << nsveth_binary() << "\n";
    }
    std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    auto add = network.exec_plugin(wrapper, "ADD", "forward", name, "eth0", network.config(),
                                   {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}});
    ASSERT_NE(add.status, 0) << add.err;
    EXPECT_NE(add.out.find("ip_forward"), std::string::npos) << add.out;
    EXPECT_FALSE(std::filesystem::exists("/run/nsveth/created-netns/" + name));
    EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name));
    EXPECT_EQ(host_links(network), "");
    EXPECT_TRUE(no_reservations(network));
}

TEST(Rollback, OwnNamespaceIsRefusedBeforeAnySideEffect) {
    TestNetwork network(33);
    auto add = network.exec("ADD", "own", "/proc/self/ns/net", "eth0", network.config());
    ASSERT_NE(add.status, 0);
    EXPECT_EQ(json::parse(add.out)["code"], 4) << add.out;
    EXPECT_EQ(host_links(network), "");
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(network.data_dir()) /
                                         network.name()));
}

// A runtime sends DEL after every failed ADD; DEL must not take the link that made ADD fail.
TEST(Rollback, DelAfterHostNameClashLeavesTheOtherLinkAlone) {
    TestNetwork network(35);
    ScopedNetns pod("nsvt-p");
    const std::string name = host_veth_name("clash", "eth0");
    for (const std::string kind : {"veth peer name nsvt-other", "bridge"}) {
        SCOPED_TRACE(kind);
        ASSERT_EQ(shell_in(network.host().path(), "ip link add " + name + " type " + kind).status,
                  0);
        auto add = network.exec("ADD", "clash", pod.path(), "eth0", network.config());
        ASSERT_NE(add.status, 0);
        EXPECT_EQ(json::parse(add.out)["code"], 103) << add.out;
        auto del = network.exec("DEL", "clash", pod.path(), "eth0", network.config());
        EXPECT_EQ(del.status, 0) << del.out << del.err;
        EXPECT_NE(del.err.find("left link " + name + " alone"), std::string::npos) << del.err;
        EXPECT_EQ(shell_in(network.host().path(), "ip link show " + name).status, 0)
            << "DEL deleted a link it did not create";
        ASSERT_EQ(shell_in(network.host().path(), "ip link del " + name).status, 0);
    }
    EXPECT_TRUE(no_reservations(network));
}

TEST(Rollback, ExistingNamedNamespaceIsJoinedAndKeptByDel) {
    TestNetwork network(34);
    ScopedNetns pod("nsvt-p");
    auto add = network.exec("ADD", "joined", pod.name(), "eth0", network.config());
    ASSERT_EQ(add.status, 0) << add.out;
    EXPECT_EQ(json::parse(add.out)["interfaces"][1]["sandbox"], pod.path());
    ASSERT_EQ(network.exec("DEL", "joined", pod.name(), "eth0", network.config()).status, 0);
    EXPECT_TRUE(std::filesystem::exists(pod.path())) << "DEL removes only namespaces ADD made";
    EXPECT_EQ(host_links(network), "");
}

}  // namespace
}  // namespace nsveth::testing
