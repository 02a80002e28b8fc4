// netns/ against the real kernel: named namespaces interoperate with `ip netns`, the guard always
// returns, veth pairs land where they should, netlink errors carry the object and kernel text.
#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <utility>

#include "common/error.h"
#include "netns/address.h"
#include "netns/link.h"
#include "netns/named_netns.h"
#include "netns/netconf.h"
#include "netns/route.h"
#include "netns/sysctl.h"
#include "tests/support/sandbox.h"

namespace nsveth::testing {
namespace {

NetlinkSocket socket_in(const Netns& netns) {
    NetnsGuard inside(netns);
    return NetlinkSocket::open(netns.path());
}

/// Sends the requests that `queue` puts in a batch, as ADD does.
template <typename Queue>
void commit(NetlinkSocket& socket, Queue&& queue) {
    NetlinkBatch batch;
    queue(batch);
    socket.commit(batch);
}

TEST(NamedNetns, VisibleToIpNetnsAndRemovedCompletely) {
    const std::string name = unique_name("nsvt-named");
    Netns netns = create_named_netns(name);
    EXPECT_NE(shell_in("", "ip netns list").out.find(name), std::string::npos);
    EXPECT_FALSE(netns.same_as(Netns::current()));
    EXPECT_THROW(create_named_netns(name), SystemError);
    try {
        create_named_netns(name);
    } catch (const SystemError& error) {
        EXPECT_EQ(std::string(error.what()),
                  "Cannot create namespace file \"/var/run/netns/" + name + "\": File exists");
    }
    EXPECT_TRUE(delete_named_netns(name));
    EXPECT_FALSE(std::filesystem::exists(named_netns_path(name)));
    EXPECT_EQ(shell_in("", "grep -c /var/run/netns/" + name + " /proc/self/mountinfo").out, "0\n");
    EXPECT_FALSE(delete_named_netns(name));
}

TEST(NamedNetns, SeesNamespacesMadeByIp) {
    const std::string name = unique_name("nsvt-ip");
    ASSERT_EQ(shell_in("", "ip netns add " + name).status, 0);
    EXPECT_TRUE(Netns::open_if_present(named_netns_path(name)).has_value());
    EXPECT_TRUE(delete_named_netns(name));
    EXPECT_EQ(shell_in("", "ip netns list | grep -c " + name).out, "0\n");
}

TEST(NetnsGuard, RestoresOnExceptionToo) {
    ScopedNetns other("nsvt-g");
    Netns before = Netns::current();
    try {
        NetnsGuard inside(other.netns());
        EXPECT_TRUE(Netns::current().same_as(other.netns()));
        throw std::runtime_error("boom");
    } catch (const std::runtime_error&) {
    }
    EXPECT_TRUE(Netns::current().same_as(before));
}

TEST(NetnsOpen, MissingIsCode3AndNonNamespaceIsRefused) {
    try {
        Netns::open("/var/run/netns/nsvt-never-there");
        FAIL();
    } catch (const CniError& error) {
        EXPECT_EQ(error.code(), kUnknownContainer);
    }
    TempDir dir;
    std::string plain = dir.path() + "/file";
    std::filesystem::create_directories(dir.path());
    { std::ofstream(plain) << ""; }
    EXPECT_FALSE(Netns::open_if_present(plain).has_value());
    try {
        Netns::open(plain);
        FAIL();
    } catch (const CniError& error) {
        EXPECT_EQ(error.code(), kInvalidEnvironment);
    }
}

TEST(Veth, PeerLandsInTargetNamespaceAndDeleteRemovesPair) {
    ScopedNetns host("nsvt-h"), pod("nsvt-p");
    NetlinkSocket host_socket = socket_in(host.netns());
    NetlinkSocket pod_socket = socket_in(pod.netns());
    create_veth(host_socket, {"vethtest0", "eth0", &pod.netns(), 1400});
    auto outside = find_link(host_socket, "vethtest0");
    auto inside = find_link(pod_socket, "eth0");
    ASSERT_TRUE(outside && inside);
    EXPECT_EQ(outside->kind, "veth");
    EXPECT_EQ(inside->mtu, 1400);
    EXPECT_EQ(inside->mac.size(), 17u);
    EXPECT_FALSE(find_link(host_socket, "eth0"));

    try {
        create_veth(host_socket, {"vethtest0", "eth1", &pod.netns(), 0});
        FAIL() << "EXCL must refuse an existing name";
    } catch (const SystemError& error) {
        EXPECT_EQ(error.error(), EEXIST);
        EXPECT_NE(std::string(error.what()).find("vethtest0"), std::string::npos);
    }

    EXPECT_TRUE(try_delete_link(host_socket, "vethtest0"));
    EXPECT_FALSE(find_link(pod_socket, "eth0"));
    EXPECT_FALSE(try_delete_link(host_socket, "vethtest0"));
}

TEST(Addresses, NoDadAddressIsNeverTentative) {
    ScopedNetns host("nsvt-h"), pod("nsvt-p");
    NetlinkSocket host_socket = socket_in(host.netns());
    NetlinkSocket pod_socket = socket_in(pod.netns());
    create_veth(host_socket, {"vethtest1", "eth0", &pod.netns(), 0});
    auto link = *find_link(pod_socket, "eth0");
    auto address = *IpPrefix::parse("fd00:77:99::5/64");
    commit(pod_socket, [&](NetlinkBatch& batch) {
        set_link_up(batch, link.index, "eth0");
        add_address(batch, link.index, "eth0", address, default_address_flags());
    });
    bool found = false;
    for (const auto& info : list_addresses(pod_socket, link.index)) {
        if (info.address != address) continue;
        found = true;
        EXPECT_FALSE(info.flags & IFA_F_TENTATIVE);
    }
    EXPECT_TRUE(found);
    try {
        commit(pod_socket, [&](NetlinkBatch& batch) {
            add_address(batch, link.index, "eth0", address, default_address_flags());
        });
        FAIL();
    } catch (const SystemError& error) {
        EXPECT_NE(std::string(error.what()).find("add address fd00:77:99::5/64 to eth0 in " +
                                                 pod.path()),
                  std::string::npos)
            << error.what();
    }
}

TEST(Routes, MetricsAndGatewayRoundTrip) {
    ScopedNetns host("nsvt-h"), pod("nsvt-p");
    NetlinkSocket host_socket = socket_in(host.netns());
    NetlinkSocket pod_socket = socket_in(pod.netns());
    create_veth(host_socket, {"vethtest2", "eth0", &pod.netns(), 0});
    auto link = *find_link(pod_socket, "eth0");
    auto gateway = *IpAddress::parse("10.77.99.1");
    commit(pod_socket, [&](NetlinkBatch& batch) {
        set_link_up(batch, link.index, "eth0");
        add_address(batch, link.index, "eth0", *IpPrefix::parse("10.77.99.2/24"),
                    default_address_flags());
        add_route(batch,
                  {.dst = IpPrefix::host(gateway), .ifindex = link.index, .scope = RT_SCOPE_LINK},
                  "eth0");
        add_route(batch,
                  {.dst = *IpPrefix::parse("10.200.0.0/16"), .gateway = gateway,
                   .ifindex = link.index, .mtu = 1300, .advmss = 1200},
                  "eth0");
    });
    bool found = false;
    for (const auto& route : list_routes(pod_socket, AF_INET, RT_TABLE_MAIN)) {
        if (route.dst != *IpPrefix::parse("10.200.0.0/16")) continue;
        found = true;
        EXPECT_EQ(route.gateway, gateway);
        EXPECT_EQ(route.mtu, 1300u);
        EXPECT_EQ(route.advmss, 1200u);
        EXPECT_EQ(route.ifindex, link.index);
    }
    EXPECT_TRUE(found);
}

TEST(Sysctl, ReadsAndWritesInTheCurrentNamespace) {
    ScopedNetns ns("nsvt-s");
    NetnsGuard inside(ns.netns());
    write_sysctl("net/ipv4/ip_forward", "0");  // a new namespace inherits the host's value
    EXPECT_EQ(read_sysctl("net/ipv4/ip_forward"), "0");
    ensure_sysctl("net/ipv4/ip_forward", "1");
    EXPECT_EQ(read_sysctl("net/ipv4/ip_forward"), "1");
    EXPECT_THROW(read_sysctl("net/ipv4/no_such_knob"), SystemError);
}

TEST(Netconf, ForwardingOverNetlinkFollowsTheSysctls) {
    ScopedNetns ns("nsvt-s");
    NetlinkSocket socket = socket_in(ns.netns());
    NetnsGuard inside(ns.netns());
    for (const auto& [family, path] : {std::pair{AF_INET, "net/ipv4/ip_forward"},
                                       std::pair{AF_INET6, "net/ipv6/conf/all/forwarding"}}) {
        write_sysctl(path, "0");
        EXPECT_FALSE(forwarding_enabled(socket, family)) << path;
        write_sysctl(path, "1");
        EXPECT_TRUE(forwarding_enabled(socket, family)) << path;
    }
}

TEST(Links, Ipv6SettingsComeWithTheLink) {
    ScopedNetns ns("nsvt-s");
    NetlinkSocket socket = socket_in(ns.netns());
    NetnsGuard inside(ns.netns());
    write_sysctl("net/ipv6/conf/lo/disable_ipv6", "1");
    write_sysctl("net/ipv6/conf/lo/accept_ra", "2");
    auto lo = find_link(socket, "lo");
    ASSERT_TRUE(lo && lo->ipv6);
    EXPECT_TRUE(lo->ipv6->disabled);
    EXPECT_EQ(lo->ipv6->accept_ra, 2);
    write_sysctl("net/ipv6/conf/lo/disable_ipv6", "0");
    write_sysctl("net/ipv6/conf/lo/accept_ra", "0");
    lo = find_link(socket, "lo");
    ASSERT_TRUE(lo && lo->ipv6);
    EXPECT_FALSE(lo->ipv6->disabled);
    EXPECT_EQ(lo->ipv6->accept_ra, 0);
}

}  // namespace
}  // namespace nsveth::testing
