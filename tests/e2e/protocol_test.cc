// End to end, the protocol surface a runtime sees: VERSION, every result shape, and bad input
// that must produce one clear error document on stdout and touch nothing.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/network.h"

namespace nsveth::testing {
namespace {

using nlohmann::json;

bool nothing_created(const TestNetwork& network) {
    auto veths = shell_in(network.host().path(), "ip -o link show type veth | wc -l");
    return veths.out == "0\n" &&
           !std::filesystem::exists(std::filesystem::path(network.data_dir()) / network.name());
}

TEST(Protocol, VersionAnswersWithAndWithoutStdin) {
    auto run = run_process({nsveth_binary()}, {{"CNI_COMMAND", "VERSION"}}, "");
    ASSERT_EQ(run.status, 0) << run.err;
    json answer = json::parse(run.out);
    EXPECT_EQ(answer["cniVersion"], "1.1.0");
    EXPECT_EQ(answer["supportedVersions"],
              json::parse(R"(["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"])"));
    // libcni's probe: dummy values and the version it speaks.
    run = run_process({nsveth_binary()},
                      {{"CNI_COMMAND", "VERSION"}, {"CNI_NETNS", "dummy"}, {"CNI_IFNAME", "dummy"},
                       {"CNI_PATH", "dummy"}},
                      R"({"cniVersion":"0.4.0"})");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(json::parse(run.out)["cniVersion"], "0.4.0");
}

TEST(Protocol, ResultShapeFollowsEveryVersion) {
    TestNetwork network(20);
    for (const char* version : {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}) {
        SCOPED_TRACE(version);
        ScopedNetns pod("nsvt-p");
        json config = network.config(version);
        auto add = network.exec("ADD", "shape", pod.path(), "eth0", config);
        ASSERT_EQ(add.status, 0) << add.out << add.err;
        json result = json::parse(add.out);  // exactly one document, or parse throws
        EXPECT_EQ(result["cniVersion"], version);
        bool old = std::string(version) < "1.0.0";
        for (const auto& ip : result["ips"]) EXPECT_EQ(ip.contains("version"), old);
        EXPECT_EQ(result["interfaces"][0].contains("mtu"), std::string(version) == "1.1.0");
        ASSERT_EQ(network.exec("DEL", "shape", pod.path(), "eth0", config).status, 0);
    }
    EXPECT_TRUE(std::filesystem::is_empty(std::filesystem::path(network.data_dir()) /
                                          network.name() / "attachments"));
}

// 0.1.0, 0.2.0 and a configuration without cniVersion or with an empty one (0.1.0, as Go reads
// it) get the ip4/ip6 result that the reference plugins print for them.
TEST(Protocol, OldVersionsAndAMissingVersionGetTheIp4Ip6Result) {
    TestNetwork network(27);
    // "" is what libcni sends for a .conf without cniVersion.
    for (const std::string version : {"0.1.0", "0.2.0", "", "absent"}) {
        SCOPED_TRACE(version);
        ScopedNetns pod("nsvt-p");
        json config = network.config();
        if (version == "absent")
            config.erase("cniVersion");
        else
            config["cniVersion"] = version;
        auto add = network.exec("ADD", "old", pod.path(), "eth0", config);
        ASSERT_EQ(add.status, 0) << add.out << add.err;
        const json result = json::parse(add.out);
        EXPECT_EQ(result["cniVersion"], version.starts_with("0.") ? version : "0.1.0");
        const std::string v4 = result.at("ip4").value("ip", "");
        EXPECT_EQ(v4.rfind("10.77.27.", 0), 0u) << add.out;
        EXPECT_EQ(result.at("ip4").value("gateway", ""), "10.77.27.1");
        EXPECT_EQ(result.at("ip6").value("ip", "").rfind("fd00:77:27::", 0), 0u) << add.out;
        EXPECT_FALSE(result.contains("interfaces") || result.contains("ips")) << add.out;
        auto inside = shell_in(pod.path(), "ip -o addr show eth0");
        EXPECT_NE(inside.out.find(v4), std::string::npos) << inside.out;
        ASSERT_EQ(network.exec("DEL", "old", pod.path(), "eth0", config).status, 0);
    }
}

struct BadInput {
    const char* what;
    std::string container_id, netns, ifname, config;
    int code;
};

TEST(Protocol, BadInputIsOneErrorDocumentAndTouchesNothing) {
    TestNetwork network(21);
    ScopedNetns pod("nsvt-p");
    const std::string good = network.config().dump();
    json unknown_version = network.config();
    unknown_version["cniVersion"] = "9.9.9";
    json bad_name = network.config();
    bad_name["name"] = "../../etc";
    json ipam_type = network.config();
    ipam_type["ipam"]["type"] = "no-such-ipam";
    json small = network.config();
    small["ipam"]["ranges"] = json::parse(R"([[{"subnet": "10.77.21.0/31"}]])");
    json nul_in_path = network.config();
    nul_in_path["ipam"]["dataDir"] = network.data_dir() + std::string("\0/../x", 6);
    // Quoting this value in an error message once took a stack frame per level.
    json deep = network.config();
    deep["ipam"]["ranges"] = json::array();
    std::string deep_text = deep.dump();
    deep_text.replace(deep_text.find("[]"), 2, std::string(100000, '[') + std::string(100000, ']'));
    const std::vector<BadInput> cases = {
        {"malformed JSON", "c1", pod.path(), "eth0", "{\"cniVersion\": ", 6},
        {"unknown cniVersion", "c1", pod.path(), "eth0", unknown_version.dump(), 1},
        {"hostile container ID", "../../etc", pod.path(), "eth0", good, 4},
        {"container ID with slash", "a/b", pod.path(), "eth0", good, 4},
        {"ifname too long", "c1", pod.path(), "eth0123456789abc", good, 4},
        {"ifname with slash", "c1", pod.path(), "et/h0", good, 4},
        {"ifname dot", "c1", pod.path(), "..", good, 4},
        {"missing container ID", "", pod.path(), "eth0", good, 4},
        {"hostile network name", "c1", pod.path(), "eth0", bad_name.dump(), 7},
        {"ipam plugin not in CNI_PATH", "c1", pod.path(), "eth0", ipam_type.dump(), 7},
        {"subnet too small", "c1", pod.path(), "eth0", small.dump(), 7},
        {"invalid netns name", "c1", "..", "eth0", good, 4},
        {"container ID too long for a file name", std::string(251, 'c'), pod.path(), "eth0", good,
         4},
        {"NUL in ipam.dataDir", "c1", pod.path(), "eth0", nul_in_path.dump(), 7},
        {"nested 100,000 levels deep", "c1", pod.path(), "eth0", deep_text, 6},
    };
    // Raw stdin (so malformed JSON stays malformed): run the binary directly.
    for (const auto& bad : cases) {
        SCOPED_TRACE(bad.what);
        std::map<std::string, std::string> env = {{"CNI_COMMAND", "ADD"},
                                                  {"CNI_CONTAINERID", bad.container_id},
                                                  {"CNI_NETNS", bad.netns},
                                                  {"CNI_IFNAME", bad.ifname},
                                                  {"CNI_PATH", "/usr/lib/cni"}};
        auto run = run_process({nsveth_binary()}, env, bad.config, network.host().path());
        EXPECT_NE(run.status, 0);
        json error = json::parse(run.out);
        EXPECT_EQ(error["code"], bad.code) << run.out;
        EXPECT_FALSE(error["msg"].get<std::string>().empty());
        EXPECT_TRUE(nothing_created(network));
    }
}

// ADD refuses such an ID, but another IPAM (or an earlier nsveth) may have served one: DEL of
// it must succeed, or a runtime would retry it forever.
TEST(Protocol, DelOfAContainerIdTooLongForTheStoreSucceeds) {
    TestNetwork network(23);
    ScopedNetns pod("nsvt-p");
    auto del = network.exec("DEL", std::string(251, 'c'), pod.path(), "eth0", network.config());
    EXPECT_EQ(del.status, 0) << del.out << del.err;
}

TEST(Protocol, OversizedStdinIsCode6) {
    std::string input = R"({"cniVersion":"1.0.0","name":"big","type":"nsveth","pad":")";
    input += std::string(17 << 20, 'x') + R"("})";
    auto run = run_process({nsveth_binary()}, {{"CNI_COMMAND", "DEL"}, {"CNI_CONTAINERID", "c1"},
                                               {"CNI_IFNAME", "eth0"}},
                           input);
    EXPECT_NE(run.status, 0);
    const json error = json::parse(run.out);
    EXPECT_EQ(error["code"], 6) << run.out;
    EXPECT_NE(error["msg"].get<std::string>().find("more than 16 MiB"), std::string::npos);
}

TEST(Protocol, UnknownCommandIsCode4) {
    auto run = run_process({nsveth_binary()}, {{"CNI_COMMAND", "FROB"}}, "{}");
    EXPECT_NE(run.status, 0);
    EXPECT_EQ(json::parse(run.out)["code"], 4);
}

TEST(Protocol, CheckWithoutPrevResultFails) {
    TestNetwork network(22);
    ScopedNetns pod("nsvt-p");
    auto check = network.exec("CHECK", "c1", pod.path(), "eth0", network.config());
    EXPECT_NE(check.status, 0);
    EXPECT_NE(json::parse(check.out)["msg"].get<std::string>().find("prevResult"),
              std::string::npos);
}

}  // namespace
}  // namespace nsveth::testing
