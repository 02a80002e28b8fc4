// End to end, as a runtime drives nsveth: the binary executed with CNI_* variables and the
// configuration on stdin, inside a throwaway "host" namespace. ADD -> traffic both ways -> CHECK
// -> tamper -> CHECK fails -> DEL -> DEL again, and the failure paths that must leave nothing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "common/fd.h"
#include "tests/support/network.h"

namespace nsveth::testing {
namespace {

using nlohmann::json;

std::string container_address(const json& result, int family_version) {
    for (const auto& ip : result["ips"]) {
        std::string address = ip["address"];
        bool v6 = address.find(':') != std::string::npos;
        if (v6 == (family_version == 6)) return address.substr(0, address.find('/'));
    }
    return {};
}

/// Files in the network's IPAM directory that are reservations (named by an address).
std::set<std::string> reservations(const TestNetwork& network) {
    std::set<std::string> names;
    std::filesystem::path dir = std::filesystem::path(network.data_dir()) / network.name();
    if (!std::filesystem::exists(dir)) return names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789abcdef.:") == std::string::npos) names.insert(name);
    }
    return names;
}

int veth_count(const TestNetwork& network) {
    auto listing = shell_in(network.host().path(), "ip -o link show type veth | wc -l");
    return std::stoi(listing.out);
}

void expect_success(const ProcessResult& run, const char* what) {
    EXPECT_EQ(run.status, 0) << what << " stdout: " << run.out << " stderr: " << run.err;
}

TEST(Lifecycle, DualStackAddTrafficCheckTamperDelete) {
    TestNetwork network(1);
    ScopedNetns pod("nsvt-p");
    json config = network.config();

    auto add = network.exec("ADD", "ctr-1", pod.path(), "eth0", config);
    expect_success(add, "ADD");
    json result = json::parse(add.out);
    EXPECT_EQ(result["cniVersion"], "1.1.0");
    ASSERT_EQ(result["interfaces"].size(), 2u);
    EXPECT_EQ(result["interfaces"][1]["name"], "eth0");
    EXPECT_EQ(result["interfaces"][1]["sandbox"], pod.path());
    EXPECT_FALSE(result["interfaces"][0].contains("sandbox"));
    const std::string v4 = container_address(result, 4), v6 = container_address(result, 6);
    ASSERT_FALSE(v4.empty());
    ASSERT_FALSE(v6.empty());
    EXPECT_EQ(v4, "10.77.1.2");  // .1 is the gateway
    EXPECT_EQ(reservations(network), (std::set<std::string>{v4, v6}));

    // The MACs in the result are the kernel's.
    std::string host_veth = result["interfaces"][0]["name"];
    auto host_link = shell_in(network.host().path(), "ip -o link show " + host_veth);
    EXPECT_NE(host_link.out.find(result["interfaces"][0]["mac"].get<std::string>()),
              std::string::npos) << host_link.out;
    auto pod_link = shell_in(pod.path(), "ip -o link show eth0");
    EXPECT_NE(pod_link.out.find(result["interfaces"][1]["mac"].get<std::string>()),
              std::string::npos) << pod_link.out;

    // Traffic both ways, both families, without waiting for DAD.
    expect_success(shell_in(network.host().path(), "ping -c1 -W2 " + v4), "ping pod v4");
    expect_success(shell_in(network.host().path(), "ping -6 -c1 -W2 " + v6), "ping pod v6");
    expect_success(shell_in(pod.path(), "ping -c1 -W2 10.77.1.1"), "ping gateway v4");
    expect_success(shell_in(pod.path(), "ping -6 -c1 -W2 fd00:77:1::1"), "ping gateway v6");
    auto tentative = shell_in(pod.path(), "ip -6 addr show dev eth0 scope global tentative");
    EXPECT_EQ(tentative.out, "") << "addresses must be usable at once";

    json check_config = config;
    check_config["prevResult"] = result;
    auto check = network.exec("CHECK", "ctr-1", pod.path(), "eth0", check_config);
    expect_success(check, "CHECK");
    EXPECT_EQ(check.out, "");

    // One dump reads both families' routes; each is still checked. The pod's IPv6 default
    // route, then the host's route to the pod's IPv6 address: CHECK names what is missing.
    expect_success(shell_in(pod.path(), "ip -6 route del default"), "drop the v6 default");
    auto no_default = network.exec("CHECK", "ctr-1", pod.path(), "eth0", check_config);
    EXPECT_NE(no_default.status, 0);
    EXPECT_NE(no_default.out.find("route ::/0 via fd00:77:1::1"), std::string::npos)
        << no_default.out;
    expect_success(shell_in(pod.path(), "ip -6 route add default via fd00:77:1::1 dev eth0"),
                   "restore the v6 default");
    expect_success(shell_in(network.host().path(), "ip -6 route del " + v6 + "/128"),
                   "drop the host route");
    auto no_host_route = network.exec("CHECK", "ctr-1", pod.path(), "eth0", check_config);
    EXPECT_NE(no_host_route.status, 0);
    EXPECT_NE(no_host_route.out.find("route " + v6 + "/128 dev " + host_veth),
              std::string::npos) << no_host_route.out;
    expect_success(shell_in(network.host().path(),
                            "ip -6 route add " + v6 + "/128 dev " + host_veth),
                   "restore the host route");
    expect_success(network.exec("CHECK", "ctr-1", pod.path(), "eth0", check_config),
                   "CHECK once restored");

    // Tamper: remove the pod's IPv4 address; CHECK must name it.
    expect_success(shell_in(pod.path(), "ip addr del " + v4 + "/24 dev eth0"), "tamper");
    auto broken = network.exec("CHECK", "ctr-1", pod.path(), "eth0", check_config);
    EXPECT_NE(broken.status, 0);
    json error = json::parse(broken.out);
    EXPECT_EQ(error["code"], 101);
    EXPECT_NE(error["msg"].get<std::string>().find(v4), std::string::npos) << broken.out;

    auto del = network.exec("DEL", "ctr-1", pod.path(), "eth0", check_config);
    expect_success(del, "DEL");
    EXPECT_EQ(del.out, "");
    EXPECT_TRUE(reservations(network).empty());
    EXPECT_EQ(veth_count(network), 0);
    auto pod_links = shell_in(pod.path(), "ip -o link show | grep -c eth0");
    EXPECT_EQ(pod_links.out, "0\n");

    expect_success(network.exec("DEL", "ctr-1", pod.path(), "eth0", config), "second DEL");
}

TEST(Lifecycle, CheckNoticesMissingHostVethAndReservation) {
    TestNetwork network(2, false);
    ScopedNetns pod("nsvt-p");
    json config = network.config();
    auto add = network.exec("ADD", "ctr-2", pod.path(), "eth0", config);
    expect_success(add, "ADD");
    json check_config = config;
    check_config["prevResult"] = json::parse(add.out);

    std::string v4 = container_address(check_config["prevResult"], 4);
    std::filesystem::remove(std::filesystem::path(network.data_dir()) / network.name() / v4);
    auto check = network.exec("CHECK", "ctr-2", pod.path(), "eth0", check_config);
    EXPECT_NE(check.status, 0);
    EXPECT_NE(check.out.find("reserved for ctr-2/eth0"), std::string::npos) << check.out;

    std::string host_veth = check_config["prevResult"]["interfaces"][0]["name"];
    expect_success(shell_in(network.host().path(), "ip link set " + host_veth + " down"), "down");
    check = network.exec("CHECK", "ctr-2", pod.path(), "eth0", check_config);
    EXPECT_NE(check.out.find("is down"), std::string::npos) << check.out;

    expect_success(network.exec("DEL", "ctr-2", pod.path(), "eth0", config), "DEL");
    EXPECT_EQ(veth_count(network), 0);
}

TEST(Lifecycle, DeleteAfterNamespaceIsGone) {
    TestNetwork network(3);
    std::string pod_path;
    json config = network.config();
    {
        ScopedNetns pod("nsvt-p");
        pod_path = pod.path();
        expect_success(network.exec("ADD", "ctr-3", pod_path, "eth0", config), "ADD");
        EXPECT_EQ(reservations(network).size(), 2u);
    }  // the namespace (and with it the veth pair) is gone
    expect_success(network.exec("DEL", "ctr-3", pod_path, "eth0", config), "DEL, netns gone");
    EXPECT_TRUE(reservations(network).empty());
    expect_success(network.exec("DEL", "ctr-3", "", "eth0", config), "DEL, CNI_NETNS empty");
    EXPECT_EQ(veth_count(network), 0);
}

TEST(Lifecycle, DeleteWithEmptyNetnsReleasesAndRemovesVeth) {
    TestNetwork network(4, false);
    ScopedNetns pod("nsvt-p");
    json config = network.config();
    expect_success(network.exec("ADD", "ctr-4", pod.path(), "eth0", config), "ADD");
    expect_success(network.exec("DEL", "ctr-4", "", "eth0", config), "DEL without netns");
    EXPECT_TRUE(reservations(network).empty());
    EXPECT_EQ(veth_count(network), 0);
}

TEST(Lifecycle, ExhaustedRangeLeavesNothing) {
    TestNetwork network(5, false);
    network.ipam()["ranges"] = json::parse(R"([[{"subnet": "10.77.5.0/30"}]])");  // one address
    ScopedNetns first("nsvt-p"), second("nsvt-p");
    json config = network.config();
    expect_success(network.exec("ADD", "ctr-5a", first.path(), "eth0", config), "first ADD");
    auto add = network.exec("ADD", "ctr-5b", second.path(), "eth0", config);
    EXPECT_NE(add.status, 0);
    EXPECT_EQ(json::parse(add.out)["code"], 102) << add.out;
    EXPECT_EQ(reservations(network), (std::set<std::string>{"10.77.5.2"}));
    EXPECT_EQ(veth_count(network), 1);
    auto links = shell_in(second.path(), "ip -o link show | grep -vc ': lo:'");
    EXPECT_EQ(links.out, "0\n");
    expect_success(network.exec("DEL", "ctr-5a", first.path(), "eth0", config), "DEL");
}

TEST(Lifecycle, ExistingInterfaceNameIsRefusedAndNothingChanges) {
    TestNetwork network(6);
    ScopedNetns pod("nsvt-p");
    expect_success(shell_in(pod.path(), "ip link add eth0 type veth peer name other0"), "eth0");
    auto add = network.exec("ADD", "ctr-6", pod.path(), "eth0", network.config());
    EXPECT_NE(add.status, 0);
    json error = json::parse(add.out);
    EXPECT_EQ(error["code"], 103);
    EXPECT_NE(error["msg"].get<std::string>().find("eth0 already exists"), std::string::npos);
    EXPECT_TRUE(reservations(network).empty());
    EXPECT_EQ(veth_count(network), 0);
    auto existing = shell_in(pod.path(), "ip -o link show eth0 | grep -c other0");
    EXPECT_EQ(existing.out, "1\n") << "the existing eth0 (peer other0) must be untouched";
}

TEST(Lifecycle, BareNameCreatesNamedNamespaceAndDelRemovesIt) {
    TestNetwork network(7);
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    json config = network.config();
    auto add = network.exec("ADD", "ctr-7", name, "eth0", config);
    expect_success(add, "ADD");
    EXPECT_EQ(json::parse(add.out)["interfaces"][1]["sandbox"], "/var/run/netns/" + name);
    auto listed = shell_in("", "ip netns list");
    EXPECT_NE(listed.out.find(name), std::string::npos) << listed.out;
    auto inside = shell_in("", "ip netns exec " + name + " ip -o addr show eth0");
    EXPECT_NE(inside.out.find("10.77.7.2/24"), std::string::npos) << inside.out;

    expect_success(network.exec("DEL", "ctr-7", name, "eth0", config), "DEL");
    listed = shell_in("", "ip netns list");
    EXPECT_EQ(listed.out.find(name), std::string::npos) << listed.out;
    EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name));
}

TEST(Lifecycle, DelWithoutNetnsRemovesTheNamespaceAddCreated) {
    TestNetwork network(36, false);
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    json config = network.config();
    expect_success(network.exec("ADD", "ctr-36", name, "eth0", config), "ADD");
    ASSERT_TRUE(std::filesystem::exists("/var/run/netns/" + name));
    expect_success(network.exec("DEL", "ctr-36", "", "eth0", config), "DEL without CNI_NETNS");
    EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name));
    EXPECT_FALSE(std::filesystem::exists("/run/nsveth/created-netns/" + name));
    EXPECT_TRUE(reservations(network).empty());
}

TEST(Lifecycle, DelLeavesANamespaceSomeoneElseCreatedUnderTheSameName) {
    TestNetwork network(37, false);
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    json config = network.config();
    expect_success(network.exec("ADD", "ctr-37", name, "eth0", config), "ADD");
    // Deleted and created again by hand: the name now holds a namespace nsveth did not create.
    expect_success(shell_in("", "ip netns delete " + name + " && ip netns add " + name),
                   "recreate");
    expect_success(network.exec("DEL", "ctr-37", name, "eth0", config), "DEL");
    EXPECT_TRUE(std::filesystem::exists("/var/run/netns/" + name)) << "DEL deleted it";
    EXPECT_FALSE(std::filesystem::exists("/run/nsveth/created-netns/" + name));
}

/// A network without default routes, so that several of them can share one namespace.
json without_default_routes(TestNetwork& network) {
    network.ipam()["routes"] = json::array();
    return network.config();
}

TEST(Lifecycle, ANamespaceAddCreatedStaysUntilItsLastAttachmentIsDeleted) {
    TestNetwork first(12, false), second(14, false);
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    const json first_config = without_default_routes(first);
    const json second_config = without_default_routes(second);
    expect_success(first.exec("ADD", "first", name, "eth0", first_config), "ADD creating it");
    expect_success(second.exec("ADD", "second", name, "eth1", second_config), "ADD joining it");
    expect_success(first.exec("DEL", "first", name, "eth0", first_config), "DEL of the creator");
    ASSERT_TRUE(std::filesystem::exists("/var/run/netns/" + name)) << "still used by eth1";
    auto inside = shell_in("", "ip netns exec " + name + " ip -o addr show eth1");
    EXPECT_NE(inside.out.find("10.77.14.2/24"), std::string::npos) << inside.out;
    expect_success(second.exec("DEL", "second", name, "eth1", second_config), "DEL of the last");
    EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name));
    EXPECT_FALSE(std::filesystem::exists("/run/nsveth/created-netns/" + name));
}

// ADDs racing into one namespace that does not exist yet, half of them failing late: each
// success is still in place afterwards, and the namespace lives while one of them uses it.
TEST(Lifecycle, ParallelAddsIntoANewNamedNamespaceShareIt) {
    std::vector<std::unique_ptr<TestNetwork>> networks;
    std::vector<json> configs;
    for (int i = 0; i < 4; ++i) {
        networks.push_back(std::make_unique<TestNetwork>(15 + i, false));
        configs.push_back(without_default_routes(*networks.back()));
        // Odd ones fail late: their host already routes the address IPAM hands out.
        if (i % 2) {
            const std::string taken = "10.77." + std::to_string(15 + i) + ".2/32";
            ASSERT_EQ(shell_in(networks.back()->host().path(), "ip route add blackhole " + taken)
                          .status,
                      0);
        }
    }
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    std::vector<RunningProcess> running;
    for (int i = 0; i < 4; ++i)
        running.push_back(networks[i]->start("ADD", "race" + std::to_string(i), name,
                                             "eth" + std::to_string(i), configs[i]));
    for (int i = 0; i < 4; ++i) {
        const ProcessResult run = finish(running[i]);
        EXPECT_EQ(run.status == 0, i % 2 == 0) << i << ": " << run.out << run.err;
    }
    const std::string links = shell_in("", "ip netns exec " + name + " ip -o link show").out;
    EXPECT_NE(links.find(" eth0@"), std::string::npos) << links;
    EXPECT_NE(links.find(" eth2@"), std::string::npos) << links;
    EXPECT_EQ(links.find(" eth1@"), std::string::npos) << links;
    for (int i : {0, 2})
        expect_success(networks[i]->exec("DEL", "race" + std::to_string(i), name,
                                         "eth" + std::to_string(i), configs[i]),
                       "DEL");
    EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name));
}

// An earlier version recorded "<container id>\n<ifname>\n", without a cookie.
TEST(Lifecycle, RecordsOfEarlierVersionsStillWork) {
    TestNetwork earlier(24, false), later(25, false);
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    expect_success(shell_in("", "ip netns add " + name), "ip netns add");
    const std::string record = "/run/nsveth/created-netns/" + name;
    std::filesystem::create_directories("/run/nsveth/created-netns");
    std::ofstream(record) << "old-1\neth0\n";
    const json later_config = without_default_routes(later);
    expect_success(later.exec("ADD", "new-2", name, "eth1", later_config), "ADD joining it");
    std::ifstream in(record);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "attachment old-1 eth0\nattachment new-2 eth1\n");
    expect_success(earlier.exec("DEL", "old-1", name, "eth0", without_default_routes(earlier)),
                   "DEL of the earlier attachment");
    EXPECT_TRUE(std::filesystem::exists("/var/run/netns/" + name));
    expect_success(later.exec("DEL", "new-2", name, "eth1", later_config), "DEL of the last");
    EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name));
    EXPECT_FALSE(std::filesystem::exists(record));
}

// The lock itself: while someone holds it, an ADD naming a namespace waits, and creates nothing.
TEST(Lifecycle, AnAddNamingANamespaceWaitsForTheLock) {
    TestNetwork network(26, false);
    const NameCleanup bare("nsvt-bare");
    const std::string& name = bare.name();
    std::filesystem::create_directories("/run/nsveth");
    Fd lock(::open("/run/nsveth/named-netns.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_TRUE(lock);
    ASSERT_EQ(flock(lock.get(), LOCK_EX), 0);
    RunningProcess add = network.start("ADD", "waits", name, "eth0", network.config());
    usleep(500 * 1000);  // an ADD that does not wait is done in a few milliseconds
    const bool went_ahead = std::filesystem::exists("/var/run/netns/" + name);
    lock.reset();
    const ProcessResult run = finish(add);
    EXPECT_FALSE(went_ahead) << "ADD created the namespace while the lock was held";
    expect_success(run, "ADD once the lock was free");
    expect_success(network.exec("DEL", "waits", name, "eth0", network.config()), "DEL");
}

TEST(Lifecycle, MissingNetnsPathIsCode3AndTouchesNothing) {
    TestNetwork network(8);
    auto add = network.exec("ADD", "ctr-8", "/var/run/netns/nsvt-does-not-exist", "eth0",
                            network.config());
    EXPECT_NE(add.status, 0);
    EXPECT_EQ(json::parse(add.out)["code"], 3) << add.out;
    EXPECT_TRUE(reservations(network).empty());
    EXPECT_EQ(veth_count(network), 0);
}

TEST(Lifecycle, TwentyParallelAddsGetDistinctAddresses) {
    TestNetwork network(9, false);
    std::vector<std::unique_ptr<ScopedNetns>> pods;
    std::vector<RunningProcess> running;
    json config = network.config();
    for (int i = 0; i < 20; ++i) {
        pods.push_back(std::make_unique<ScopedNetns>("nsvt-p"));
        running.push_back(network.start("ADD", "par-" + std::to_string(i), pods.back()->path(),
                                        "eth0", config));
    }
    std::set<std::string> addresses;
    for (auto& process : running) {
        auto add = finish(process);
        expect_success(add, "parallel ADD");
        if (add.status == 0) addresses.insert(container_address(json::parse(add.out), 4));
    }
    EXPECT_EQ(addresses.size(), 20u);
    EXPECT_EQ(reservations(network).size(), 20u);
    for (int i = 0; i < 20; ++i)
        expect_success(network.exec("DEL", "par-" + std::to_string(i), pods[i]->path(), "eth0",
                                    config),
                       "DEL");
    EXPECT_TRUE(reservations(network).empty());
    EXPECT_EQ(veth_count(network), 0);
}

}  // namespace
}  // namespace nsveth::testing
