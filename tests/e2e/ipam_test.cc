// End to end for IPAM: nsveth-ipam serving Debian's reference ptp plugin, nsveth delegating to
// the reference host-local, requested addresses, STATUS and GC as a runtime sends them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "tests/support/network.h"

namespace nsveth::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

bool reference_plugins_present() {
    return access((std::string(kReferencePluginDir) + "/ptp").c_str(), X_OK) == 0;
}

std::string first_address(const std::string& result_text) {
    return json::parse(result_text)["ips"][0]["address"];
}

void expect_ok(const ProcessResult& run, const char* what) {
    EXPECT_EQ(run.status, 0) << what << ": " << run.out << run.err;
}

TEST(Ipam, ReferencePtpWithNsvethIpam) {
    if (!reference_plugins_present()) GTEST_SKIP() << "containernetworking-plugins missing";
    TestNetwork network(40, false);
    ScopedNetns pod("nsvt-p");
    json config = network.config("1.0.0");
    config["type"] = "ptp";
    const std::string ptp = std::string(kReferencePluginDir) + "/ptp";

    auto add = network.exec_plugin(ptp, "ADD", "ref-1", pod.path(), "eth0", config);
    expect_ok(add, "ptp ADD");
    ASSERT_EQ(add.status, 0);
    EXPECT_EQ(first_address(add.out), "10.77.40.2/24");
    EXPECT_TRUE(fs::exists(fs::path(network.data_dir()) / network.name() / "10.77.40.2"));
    expect_ok(shell_in(network.host().path(), "ping -c1 -W2 10.77.40.2"), "ping");

    json check = config;
    check["prevResult"] = json::parse(add.out);
    expect_ok(network.exec_plugin(ptp, "CHECK", "ref-1", pod.path(), "eth0", check), "CHECK");
    fs::remove(fs::path(network.data_dir()) / network.name() / "10.77.40.2");
    auto broken = network.exec_plugin(ptp, "CHECK", "ref-1", pod.path(), "eth0", check);
    EXPECT_NE(broken.status, 0) << "CHECK must notice the reservation is gone";

    expect_ok(network.exec_plugin(ptp, "DEL", "ref-1", pod.path(), "eth0", check), "DEL");
    EXPECT_FALSE(fs::exists(fs::path(network.data_dir()) / network.name() / "attachments" /
                            "ref-1@eth0"));
}

TEST(Ipam, NsvethDelegatesToHostLocal) {
    if (!reference_plugins_present()) GTEST_SKIP() << "containernetworking-plugins missing";
    TestNetwork network(41, false);
    network.ipam()["type"] = "host-local";
    ScopedNetns pod("nsvt-p");
    json config = network.config("1.0.0");

    auto add = network.exec("ADD", "deleg-1", pod.path(), "eth0", config);
    expect_ok(add, "ADD via host-local");
    ASSERT_EQ(add.status, 0);
    EXPECT_EQ(first_address(add.out), "10.77.41.2/24");
    const fs::path lease = fs::path(network.data_dir()) / network.name() / "10.77.41.2";
    EXPECT_TRUE(fs::exists(lease)) << "host-local keeps its own lease file";
    expect_ok(shell_in(network.host().path(), "ping -c1 -W2 10.77.41.2"), "ping");

    json check = config;
    check["prevResult"] = json::parse(add.out);
    expect_ok(network.exec("CHECK", "deleg-1", pod.path(), "eth0", check), "CHECK");
    expect_ok(network.exec("DEL", "deleg-1", pod.path(), "eth0", check), "DEL");
    EXPECT_FALSE(fs::exists(lease)) << "DEL must be forwarded to host-local";
    expect_ok(network.exec("DEL", "deleg-1", pod.path(), "eth0", check), "DEL again");
}

// A node moving from host-local to nsveth-ipam: the pods host-local served pass CHECK, and their
// DEL releases the address, though host-local kept no index.
TEST(Ipam, TakesOverAHostLocalStore) {
    if (!reference_plugins_present()) GTEST_SKIP() << "containernetworking-plugins missing";
    TestNetwork network(38, false);
    ScopedNetns pod("nsvt-p");
    json before = network.config("1.0.0");
    before["type"] = "ptp";
    before["ipam"]["type"] = "host-local";
    const std::string ptp = std::string(kReferencePluginDir) + "/ptp";
    auto add = network.exec_plugin(ptp, "ADD", "hl-1", pod.path(), "eth0", before);
    expect_ok(add, "ptp + host-local ADD");
    ASSERT_EQ(add.status, 0);
    const fs::path lease = fs::path(network.data_dir()) / network.name() / "10.77.38.2";
    ASSERT_TRUE(fs::exists(lease));

    json after = network.config("1.0.0");
    after["type"] = "ptp";  // nsveth-ipam now serves ptp
    after["prevResult"] = json::parse(add.out);
    expect_ok(network.exec_plugin(ptp, "CHECK", "hl-1", pod.path(), "eth0", after), "CHECK");
    expect_ok(network.exec_plugin(ptp, "DEL", "hl-1", pod.path(), "eth0", after), "DEL");
    EXPECT_FALSE(fs::exists(lease)) << "DEL must release host-local's reservation";
}

// At cniVersion 0.2.0 IPAM results have the ip4/ip6 shape, both ways.
TEST(Ipam, Version020BothWays) {
    if (!reference_plugins_present()) GTEST_SKIP() << "containernetworking-plugins missing";
    TestNetwork network(48, false);
    ScopedNetns first("nsvt-p"), second("nsvt-p");
    json ptp = network.config("0.2.0");
    ptp["type"] = "ptp";  // the reference ptp, served by nsveth-ipam
    auto add = network.exec_plugin(std::string(kReferencePluginDir) + "/ptp", "ADD", "v020-a",
                                   first.path(), "eth0", ptp);
    expect_ok(add, "ptp ADD with nsveth-ipam");
    ASSERT_EQ(add.status, 0);
    EXPECT_EQ(json::parse(add.out)["ip4"]["ip"], "10.77.48.2/24") << add.out;

    json delegating = network.config("0.2.0");
    delegating["ipam"]["type"] = "host-local";  // nsveth, served by the reference host-local
    add = network.exec("ADD", "v020-b", second.path(), "eth0", delegating);
    expect_ok(add, "nsveth ADD with host-local");
    ASSERT_EQ(add.status, 0);
    EXPECT_EQ(json::parse(add.out)["ip4"]["ip"], "10.77.48.3/24") << add.out;
    expect_ok(shell_in(network.host().path(), "ping -c1 -W2 10.77.48.3"), "ping");

    expect_ok(network.exec_plugin(std::string(kReferencePluginDir) + "/ptp", "DEL", "v020-a",
                                  first.path(), "eth0", ptp),
              "ptp DEL");
    expect_ok(network.exec("DEL", "v020-b", second.path(), "eth0", delegating), "nsveth DEL");
}

TEST(Ipam, DelegateFailureIsReportedAndNothingIsLeft) {
    TestNetwork network(42, false);
    network.ipam()["type"] = "no-such-ipam";
    ScopedNetns pod("nsvt-p");
    auto add = network.exec("ADD", "deleg-2", pod.path(), "eth0", network.config());
    EXPECT_NE(add.status, 0);
    EXPECT_NE(json::parse(add.out)["msg"].get<std::string>().find("not found in CNI_PATH"),
              std::string::npos) << add.out;
    EXPECT_EQ(shell_in(network.host().path(), "ip -o link show type veth").out, "");
}

// nsveth named as its own IPAM plugin, under its name or a link to it, would hand itself the same
// configuration at every level, without end. It refuses, for every command. The plugin runs
// under `timeout`, which kills its whole process group, so a regression fails this test instead
// of filling the machine with processes.
TEST(Ipam, ItselfAsIpamPluginIsRefused) {
    TestNetwork network(76, false);
    TempDir plugins;
    fs::create_symlink(nsveth_binary(), plugins.path() + "/veth-alias");
    const std::string config_file = plugins.path() + "/config.json";
    ScopedNetns pod("nsvt-p");
    for (const std::string type : {"nsveth", "veth-alias"}) {
        network.ipam()["type"] = type;
        std::ofstream(config_file) << network.config().dump();
        for (const std::string command : {"ADD", "DEL", "STATUS"}) {
            const auto run = shell_in(
                network.host().path(),
                "CNI_COMMAND=" + command + " CNI_CONTAINERID=self-1 CNI_NETNS=" + pod.path() +
                    " CNI_IFNAME=eth0 CNI_PATH=" + plugins.path() + ":" + plugin_dir() +
                    " timeout -s KILL 10 " + nsveth_binary() + " < " + config_file);
            ASSERT_EQ(run.status, 1) << type << " " << command << ": " << run.out << run.err;
            const json error = json::parse(run.out);
            EXPECT_EQ(error["code"], 7) << run.out;
            EXPECT_NE(error["msg"].get<std::string>().find("\"" + type + "\" is nsveth itself"),
                      std::string::npos)
                << run.out;
        }
    }
    EXPECT_EQ(shell_in(network.host().path(), "ip -o link show type veth").out, "");
    EXPECT_EQ(shell_in(pod.path(), "ip -o link show").out.find("eth0"), std::string::npos);
}

// A runtime passes its whole environment; nsveth reads only the CNI variables, but a delegated
// plugin gets all of it, with CNI_COMMAND set to the command it is asked to run.
TEST(Ipam, DelegateGetsTheProcessEnvironment) {
    TestNetwork network(47, false);
    TempDir plugins;
    const std::string dump = plugins.path() + "/environment";
    const std::string fake = plugins.path() + "/env-ipam";
    {
        std::ofstream script(fake);
        script << "#!/bin/sh\nenv > \"$NSVETH_TEST_DUMP.$CNI_COMMAND\"\ncat >/dev/null\n"
                  "[ \"$CNI_COMMAND\" = ADD ] && printf '%s' '{\"cniVersion\": \"1.0.0\", "
                  "\"ips\": [{\"address\": \"10.77.47.9/24\", \"gateway\": \"10.77.47.1\"}]}'\n"
                  "exit 0\n";
    }
    fs::permissions(fake, fs::perms::owner_all);
    network.ipam()["type"] = "env-ipam";
    ScopedNetns pod("nsvt-p");
    const std::map<std::string, std::string> extra = {
        {"CNI_PATH", plugins.path() + ":" + plugin_dir()},
        {"PATH", "/usr/bin:/bin"},
        {"NSVETH_TEST_DUMP", dump}};

    auto add = network.exec_plugin(nsveth_binary(), "ADD", "env-1", pod.path(), "eth0",
                                   network.config(), extra);
    ASSERT_EQ(add.status, 0) << add.out << add.err;
    EXPECT_EQ(first_address(add.out), "10.77.47.9/24");
    expect_ok(network.exec_plugin(nsveth_binary(), "DEL", "env-1", pod.path(), "eth0",
                                  network.config(), extra),
              "DEL");
    for (const std::string command : {"ADD", "DEL"}) {
        std::ifstream file(dump + "." + command);
        const std::string seen((std::istreambuf_iterator<char>(file)), {});
        for (const std::string& line :
             {"NSVETH_TEST_DUMP=" + dump, std::string("PATH=/usr/bin:/bin"),
              "CNI_COMMAND=" + command, std::string("CNI_CONTAINERID=env-1"),
              std::string("CNI_IFNAME=eth0"), "CNI_NETNS=" + pod.path()})
            EXPECT_NE(seen.find(line + "\n"), std::string::npos) << command << ": " << line << "\n"
                                                                  << seen;
        EXPECT_EQ(seen.find("CNI_COMMAND=", seen.find("CNI_COMMAND=") + 1), std::string::npos)
            << command << ": CNI_COMMAND twice\n" << seen;
    }
}

TEST(Ipam, RequestedAddressesFromRuntimeConfigArgsAndCniArgs) {
    TestNetwork network(43, false);
    ScopedNetns a("nsvt-p"), b("nsvt-p"), c("nsvt-p");
    json config = network.config();
    json runtime = config;
    runtime["runtimeConfig"] = {{"ips", {"10.77.43.50/24"}}};
    auto add = network.exec("ADD", "req-a", a.path(), "eth0", runtime);
    ASSERT_EQ(add.status, 0) << add.out;
    EXPECT_EQ(first_address(add.out), "10.77.43.50/24");

    auto via_cni_args =
        network.exec_plugin(nsveth_binary(), "ADD", "req-b", b.path(), "eth0", config,
                            {{"CNI_ARGS", "IgnoreUnknown=1;IP=10.77.43.60"}});
    ASSERT_EQ(via_cni_args.status, 0) << via_cni_args.out;
    EXPECT_EQ(first_address(via_cni_args.out), "10.77.43.60/24");

    // Taken: refused, and nothing of the failed attachment stays.
    auto taken = network.exec("ADD", "req-c", c.path(), "eth0", runtime);
    EXPECT_NE(taken.status, 0);
    EXPECT_EQ(json::parse(taken.out)["code"], 104) << taken.out;
    EXPECT_FALSE(fs::exists(fs::path(network.data_dir()) / network.name() / "attachments" /
                            "req-c@eth0"));
    EXPECT_EQ(shell_in(c.path(), "ip -o link show | grep -vc ': lo:'").out, "0\n");

    // args.cni.ips wins over CNI_ARGS IP.
    json args = config;
    args["args"] = {{"cni", {{"ips", {"10.77.43.70"}}}}};
    auto precedence = network.exec_plugin(nsveth_binary(), "ADD", "req-c", c.path(), "eth0",
                                          args, {{"CNI_ARGS", "IP=10.77.43.71"}});
    ASSERT_EQ(precedence.status, 0) << precedence.out;
    EXPECT_EQ(first_address(precedence.out), "10.77.43.70/24");

    for (auto [id, pod] : {std::pair{"req-a", &a}, {"req-b", &b}, {"req-c", &c}})
        expect_ok(network.exec("DEL", id, pod->path(), "eth0", config), "DEL");
}

TEST(Ipam, StatusReportsExhaustionAndNeedsVersion11) {
    TestNetwork network(44, false);
    network.ipam()["ranges"] = json::parse(R"([[{"subnet": "10.77.44.0/30"}]])");
    ScopedNetns pod("nsvt-p");
    json config = network.config();
    for (const auto& binary : {nsveth_binary(), plugin_dir() + "/nsveth-ipam"}) {
        auto status = network.exec_plugin(binary, "STATUS", "", "", "", config);
        EXPECT_EQ(status.status, 0) << status.out;
        EXPECT_EQ(status.out, "");
    }
    expect_ok(network.exec("ADD", "full", pod.path(), "eth0", config), "ADD");
    for (const auto& binary : {nsveth_binary(), plugin_dir() + "/nsveth-ipam"}) {
        auto status = network.exec_plugin(binary, "STATUS", "", "", "", config);
        EXPECT_NE(status.status, 0);
        EXPECT_EQ(json::parse(status.out)["code"], 50) << status.out;
    }
    auto old = network.exec_plugin(nsveth_binary(), "STATUS", "", "", "", network.config("1.0.0"));
    EXPECT_EQ(json::parse(old.out)["code"], 1) << old.out;
    expect_ok(network.exec("DEL", "full", pod.path(), "eth0", config), "DEL");
}

// A full file system still takes an empty file, but no reservation: STATUS must say 50.
TEST(Ipam, StatusReportsAFullFileSystem) {
    TestNetwork network(47, false);
    TempDir mount_point;
    network.ipam()["dataDir"] = mount_point.path();
    const std::string config_file = mount_point.path() + ".json";
    std::ofstream(config_file) << network.config().dump();
    // In a mount namespace of its own, so the small tmpfs is gone when the shell exits. The
    // first STATUS creates the store (and must pass); then the file system fills up.
    const std::string status = "CNI_COMMAND=STATUS " + nsveth_binary() + " < " + config_file;
    const auto run = shell_in(
        "", "unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs " + mount_point.path() + " && " +
                status + " && (cat /dev/zero > " + mount_point.path() +
                "/fill 2>/dev/null; true) && " + status + "'");
    std::filesystem::remove(config_file);
    EXPECT_NE(run.status, 0);
    EXPECT_EQ(json::parse(run.out)["code"], 50) << run.out << run.err;
}

TEST(Ipam, GcReleasesOnlyStaleAttachments) {
    TestNetwork network(45, false);
    ScopedNetns a("nsvt-p"), b("nsvt-p");
    json config = network.config();
    expect_ok(network.exec("ADD", "gc-a", a.path(), "eth0", config), "ADD a");
    expect_ok(network.exec("ADD", "gc-b", b.path(), "eth0", config), "ADD b");
    const fs::path dir = fs::path(network.data_dir()) / network.name();

    json absent = config;  // no list at all: release nothing
    expect_ok(network.exec_plugin(nsveth_binary(), "GC", "", "", "", absent), "GC no key");
    EXPECT_TRUE(fs::exists(dir / "10.77.45.2") && fs::exists(dir / "10.77.45.3"));

    json gc = config;
    gc["cni.dev/valid-attachments"] = {{{"containerID", "gc-a"}, {"ifname", "eth0"}}};
    expect_ok(network.exec_plugin(nsveth_binary(), "GC", "", "", "", gc), "GC");
    EXPECT_TRUE(fs::exists(dir / "10.77.45.2"));
    EXPECT_FALSE(fs::exists(dir / "10.77.45.3"));
    EXPECT_TRUE(fs::exists(dir / "lock"));

    json legacy = config;  // the older key alone, empty: nothing is valid
    legacy["cni.dev/attachments"] = json::array();
    expect_ok(network.exec_plugin(plugin_dir() + "/nsveth-ipam", "GC", "", "", "", legacy),
              "GC legacy key");
    EXPECT_FALSE(fs::exists(dir / "10.77.45.2"));
    EXPECT_TRUE(fs::exists(dir / "lock"));

    // libcni sends a runtime's empty list as null under both keys: nothing is valid.
    ScopedNetns c("nsvt-p");
    expect_ok(network.exec("ADD", "gc-c", c.path(), "eth0", config), "ADD c");
    ASSERT_FALSE(fs::is_empty(dir / "attachments"));
    json null_list = config;
    null_list["cni.dev/valid-attachments"] = nullptr;
    null_list["cni.dev/attachments"] = nullptr;
    expect_ok(network.exec_plugin(nsveth_binary(), "GC", "", "", "", null_list), "GC null");
    EXPECT_TRUE(fs::is_empty(dir / "attachments"));

    expect_ok(network.exec("DEL", "gc-a", a.path(), "eth0", config), "DEL a");
    expect_ok(network.exec("DEL", "gc-b", b.path(), "eth0", config), "DEL b");
    expect_ok(network.exec("DEL", "gc-c", c.path(), "eth0", config), "DEL c");
}

// GC may assume the pod namespaces of stale attachments are gone; where one leaked, its veth and
// the host route to its address stayed, and the next ADD handed that address failed.
TEST(Ipam, GcRemovesTheHostVethOfWhatItReleased) {
    TestNetwork network(49, false);
    network.ipam()["ranges"] = json::parse(R"([[{"subnet": "10.77.49.0/30"}]])");  // one address
    ScopedNetns leaked("nsvt-p"), next("nsvt-p");
    const json config = network.config();
    expect_ok(network.exec("ADD", "leaked", leaked.path(), "eth0", config), "ADD");
    json gc = config;
    gc["cni.dev/valid-attachments"] = json::array();
    expect_ok(network.exec_plugin(nsveth_binary(), "GC", "", "", "", gc), "GC");
    EXPECT_EQ(shell_in(network.host().path(), "ip -o link show type veth | wc -l").out, "0\n");
    expect_ok(network.exec("ADD", "next", next.path(), "eth0", config), "ADD of the freed address");
    expect_ok(network.exec("DEL", "next", next.path(), "eth0", config), "DEL");
    expect_ok(network.exec("DEL", "leaked", leaked.path(), "eth0", config), "DEL of the leaked");
}

// The host veth's name comes from (container ID, ifname) alone. GC of one network's stale
// attachment must not delete another network's live veth of the same name.
TEST(Ipam, GcLeavesTheSameNamedVethOfAnotherNetwork) {
    TestNetwork first(57, false);
    json second = first.config();
    second["name"] = first.name() + "-b";
    second["ipam"]["ranges"] = json::parse(R"([[{"subnet": "10.77.58.0/24"}]])");
    ScopedNetns live("nsvt-p");
    std::string host_veth;
    {
        ScopedNetns leaked("nsvt-p");
        const auto add = first.exec("ADD", "same", leaked.path(), "eth0", first.config());
        expect_ok(add, "ADD first");
        ASSERT_EQ(add.status, 0);
        host_veth = json::parse(add.out)["interfaces"][0]["name"];
    }  // the namespace goes, the first network's reservation stays
    // The kernel destroys a namespace, and the veth pair in it, in the background.
    expect_ok(shell_in(first.host().path(), "for i in $(seq 100); do ip link show " + host_veth +
                                                " >/dev/null 2>&1 || exit 0; sleep 0.05; done; "
                                                "exit 1"),
              "the first veth is gone");
    expect_ok(first.exec_plugin(nsveth_binary(), "ADD", "same", live.path(), "eth0", second),
              "ADD second");
    json gc = first.config();
    gc["cni.dev/valid-attachments"] = json::array();
    expect_ok(first.exec_plugin(nsveth_binary(), "GC", "", "", "", gc), "GC of the first");
    EXPECT_EQ(shell_in(first.host().path(), "ip -o link show type veth | wc -l").out, "1\n");
    expect_ok(shell_in(first.host().path(), "ping -c1 -W2 10.77.58.2"), "second still reachable");
    expect_ok(first.exec_plugin(nsveth_binary(), "DEL", "same", live.path(), "eth0", second),
              "DEL second");
}

TEST(Ipam, StandaloneBinaryAnswersVersionAndAbbreviatedResult) {
    TestNetwork network(46, false);
    const std::string binary = plugin_dir() + "/nsveth-ipam";
    auto version = run_process({binary}, {{"CNI_COMMAND", "VERSION"}}, "");
    ASSERT_EQ(version.status, 0);
    EXPECT_EQ(json::parse(version.out)["supportedVersions"].size(), 7u);
    auto add =
        network.exec_plugin(binary, "ADD", "solo", "/unused/by/ipam", "eth0", network.config());
    ASSERT_EQ(add.status, 0) << add.out;
    json result = json::parse(add.out);
    EXPECT_FALSE(result.contains("interfaces"));
    EXPECT_EQ(result["ips"][0],
              json::parse(R"({"address":"10.77.46.2/24","gateway":"10.77.46.1"})"));
    EXPECT_EQ(result["routes"][0]["dst"], "0.0.0.0/0");
    EXPECT_EQ(network.exec_plugin(binary, "DEL", "solo", "", "eth0", network.config()).status, 0);
}

}  // namespace
}  // namespace nsveth::testing
