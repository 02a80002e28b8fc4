// End to end, the manual setup from the command line: `nsveth add|check|show|del|status|gc` with a
// .conf or .conflist, run inside a throwaway "host" namespace with a temporary IPAM data directory
// and result cache, chaining the reference tuning and portmap plugins. Every test ends by checking
// that nothing is left: no veth, no reservation, no cache entry, no namespace that add created.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "netns/named_netns.h"
#include "tests/support/network.h"

namespace nsveth::testing {
namespace {

using nlohmann::json;

constexpr const char* kPath = "/usr/sbin:/usr/bin:/sbin:/bin";

/// Removes a named namespace that add may have created, however the test ends.
struct NameGuard {
    std::string name = unique_name("nsvt-cli");
    ~NameGuard() { delete_named_netns(name); }
    std::string path() const { return named_netns_path(name); }
};

/// A throwaway network plus what the command line needs around it: a cache directory and a place
/// for configuration files.
class CliFixture {
  public:
    explicit CliFixture(int subnet_index) : network_(subnet_index, /*dual_stack=*/false) {}

    TestNetwork& network() { return network_; }
    const std::string& cache() const { return cache_.path(); }

    /// Writes `config` (or raw text) to a file and returns its path.
    std::string write(const std::string& file, const std::string& text) const {
        const std::string path = files_.path() + "/" + file;
        std::ofstream(path) << text;
        return path;
    }
    std::string write(const std::string& file, const json& config) const {
        return write(file, config.dump(2));
    }

    /// Runs `nsveth ARGS...` in the host namespace.
    ProcessResult cli(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{nsveth_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv,
                           {{"PATH", kPath},
                            {"NSVETH_CACHE_DIR", cache_.path()},
                            {"CNI_PATH", kReferencePluginDir}},
                           "", network_.host().path());
    }

    std::string cache_file(const std::string& container_id, const std::string& ifname = "eth0") {
        return cache_.path() + "/results/" + network_.name() + "-" + container_id + "-" + ifname;
    }
    std::size_t cache_entries() const {
        const std::filesystem::path dir = cache_.path() + "/results";
        if (!std::filesystem::exists(dir)) return 0;
        return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir),
                                                      std::filesystem::directory_iterator()));
    }

    /// Reservation files (named by an address) in the network's IPAM directory.
    std::set<std::string> reservations() const {
        std::set<std::string> names;
        const std::filesystem::path dir =
            std::filesystem::path(network_.data_dir()) / network_.name();
        if (!std::filesystem::exists(dir)) return names;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            const std::string name = entry.path().filename();
            if (name.find_first_not_of("0123456789abcdef.:") == std::string::npos)
                names.insert(name);
        }
        return names;
    }

    int veth_count() const {
        return std::stoi(shell_in(network_.host().path(), "ip -o link show type veth | wc -l").out);
    }

  private:
    TestNetwork network_;
    TempDir cache_;
    TempDir files_;
};

/// The single-plugin configuration's plugin object, without the list-level keys.
json nsveth_plugin(const TestNetwork& network) {
    json plugin = network.config();
    plugin.erase("cniVersion");
    plugin.erase("name");
    return plugin;
}

std::string base64_decode(const std::string& text) {
    return run_process({"/usr/bin/base64", "-d"}, {}, text).out;
}

void expect_ok(const ProcessResult& run, const std::string& what) {
    EXPECT_EQ(run.status, 0) << what << "\nstdout: " << run.out << "\nstderr: " << run.err;
}

void expect_one_line(const ProcessResult& run, const std::string& what) {
    EXPECT_FALSE(run.err.empty()) << what;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << what << ": " << run.err;
    EXPECT_EQ(run.out, "") << what;
}

TEST(CliSetup, SingleConfAddCheckShowDelLeavesNothing) {
    CliFixture fixture(60);
    NameGuard demo;
    const std::string conf = fixture.write("nsveth.conf", fixture.network().config());
    const std::string container = "nsveth-" + demo.name;
    const std::vector<std::string> attachment{"--config", conf, "--netns", demo.name};
    auto with = [&](std::string command, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{std::move(command)};
        args.insert(args.end(), attachment.begin(), attachment.end());
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };

    const ProcessResult add = fixture.cli(with("add"));
    expect_ok(add, "add");
    const json result = json::parse(add.out);
    EXPECT_EQ(result["cniVersion"], "1.1.0");
    ASSERT_EQ(result["interfaces"].size(), 2u);
    EXPECT_EQ(result["interfaces"][1]["sandbox"], demo.path());
    EXPECT_EQ(result["ips"][0]["address"], "10.77.60.2/24");
    EXPECT_TRUE(std::filesystem::exists(demo.path())) << "add creates a missing named namespace";
    EXPECT_EQ(fixture.reservations(), std::set<std::string>{"10.77.60.2"});
    expect_ok(shell_in(fixture.network().host().path(), "ping -c1 -W2 10.77.60.2"), "ping");

    // The cache entry has libcni's shape and the configuration file's exact bytes.
    std::ifstream cache_stream(fixture.cache_file(container));
    ASSERT_TRUE(cache_stream.good()) << fixture.cache_file(container);
    const json cached = json::parse(cache_stream);
    EXPECT_EQ(cached["kind"], "cniCacheV1");
    EXPECT_EQ(cached["containerId"], container);
    EXPECT_EQ(cached["ifName"], "eth0");
    EXPECT_EQ(cached["networkName"], fixture.network().name());
    EXPECT_EQ(cached["netns"], demo.name);
    EXPECT_EQ(cached["result"], result);
    EXPECT_EQ(base64_decode(cached["config"].get<std::string>()),
              fixture.network().config().dump(2));
    EXPECT_EQ(std::filesystem::status(fixture.cache_file(container)).permissions() &
                  std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

    const ProcessResult check = fixture.cli(with("check"));
    expect_ok(check, "check");
    EXPECT_EQ(check.out, "");
    EXPECT_EQ(check.err, "");
    expect_ok(fixture.cli(with("check", {"--human"})), "check --human");

    const ProcessResult show = fixture.cli({"show"});
    expect_ok(show, "show");
    const std::string host_veth = result["interfaces"][0]["name"];
    for (const std::string& expected :
         {fixture.network().name(), container, demo.name, std::string("10.77.60.2/24"), host_veth})
        EXPECT_NE(show.out.find(expected), std::string::npos) << expected << " in\n" << show.out;
    EXPECT_NE(show.out.find(" ok\n"), std::string::npos) << show.out;
    const ProcessResult show_json = fixture.cli({"show", "--json"});
    expect_ok(show_json, "show --json");
    const json listing = json::parse(show_json.out);
    ASSERT_EQ(listing.size(), 1u);
    EXPECT_EQ(listing[0]["hostVeth"], json::array({host_veth}));
    EXPECT_EQ(listing[0]["check"]["passed"], true);

    // Tampering shows up in check and show.
    expect_ok(shell_in(demo.path(), "ip addr flush dev eth0"), "tamper");
    const ProcessResult broken = fixture.cli(with("check"));
    EXPECT_EQ(broken.status, 1);
    expect_one_line(broken, "check after tampering");
    EXPECT_NE(broken.err.find("failed (check)"), std::string::npos) << broken.err;
    const json broken_listing = json::parse(fixture.cli({"show", "--json"}).out);
    EXPECT_EQ(broken_listing[0]["check"]["passed"], false);

    const ProcessResult del = fixture.cli(with("del"));
    expect_ok(del, "del");
    EXPECT_EQ(del.out, "");
    EXPECT_EQ(fixture.veth_count(), 0);
    EXPECT_TRUE(fixture.reservations().empty());
    EXPECT_FALSE(std::filesystem::exists(fixture.cache_file(container)));
    EXPECT_FALSE(std::filesystem::exists(demo.path())) << "del removes the namespace add created";
    expect_ok(fixture.cli(with("del")), "second del");
    EXPECT_EQ(fixture.cli({"show"}).out.find(container), std::string::npos);

    const ProcessResult gone = fixture.cli(with("check"));
    EXPECT_EQ(gone.status, 1);
    expect_one_line(gone, "check after del");
}

// The host veth is named after (container ID, ifname) only: a second add of a live attachment
// whose cache entry is lost, or a del with another network's configuration, must not reach it.
TEST(CliSetup, LiveAttachmentSurvivesALostCacheEntryAndTheWrongNetwork) {
    CliFixture fixture(67);
    NameGuard demo;
    const std::string conf = fixture.write("nsveth.conf", fixture.network().config());
    json other = fixture.network().config();
    other["name"] = fixture.network().name() + "-other";
    const std::string other_conf = fixture.write("other.conf", other);
    expect_ok(fixture.cli({"add", "--config", conf, "--netns", demo.name}), "add");
    const std::string container = "nsveth-" + demo.name;

    const ProcessResult wrong = fixture.cli({"del", "--config", other_conf, "--netns", demo.name});
    EXPECT_EQ(wrong.status, 1);
    expect_one_line(wrong, "del with another network");
    EXPECT_NE(wrong.err.find("is attached to network " + fixture.network().name()),
              std::string::npos)
        << wrong.err;

    std::filesystem::remove(fixture.cache_file(container));
    const ProcessResult again = fixture.cli({"add", "--config", conf, "--netns", demo.name});
    EXPECT_EQ(again.status, 1);
    expect_one_line(again, "second add without a cache entry");
    EXPECT_NE(again.err.find("its host veth"), std::string::npos) << again.err;

    EXPECT_EQ(fixture.veth_count(), 1);
    EXPECT_EQ(fixture.reservations(), std::set<std::string>{"10.77.67.2"});
    expect_ok(shell_in(fixture.network().host().path(), "ping -c1 -W2 10.77.67.2"), "ping");
    expect_ok(fixture.cli({"del", "--config", conf, "--netns", demo.name}), "del");
    EXPECT_EQ(fixture.veth_count(), 0);
    EXPECT_TRUE(fixture.reservations().empty());
}

// When nsveth refuses an ADD before touching anything (here: the IPAM already holds addresses
// for this container ID and ifname, reserved by someone else), the rollback sends it no DEL,
// which would release that reservation.
TEST(CliSetup, ARefusedAddIsNotRolledBackIntoSomeoneElsesState) {
    CliFixture fixture(75);
    NameGuard demo;
    const std::string container = "nsveth-" + demo.name;
    expect_ok(fixture.network().exec_plugin(plugin_dir() + "/nsveth-ipam", "ADD", container,
                                            "/unused/by/ipam", "eth0", fixture.network().config()),
              "reservation by someone else");
    ASSERT_EQ(fixture.reservations(), std::set<std::string>{"10.77.75.2"});
    const std::string conf = fixture.write("nsveth.conf", fixture.network().config());
    const ProcessResult add = fixture.cli({"add", "--config", conf, "--netns", demo.name});
    EXPECT_EQ(add.status, 1);
    EXPECT_NE(add.err.find("already holds addresses"), std::string::npos) << add.err;
    EXPECT_EQ(fixture.reservations(), std::set<std::string>{"10.77.75.2"});
    EXPECT_EQ(fixture.veth_count(), 0);
    expect_ok(fixture.network().exec_plugin(plugin_dir() + "/nsveth-ipam", "DEL", container,
                                            "/unused/by/ipam", "eth0", fixture.network().config()),
              "release");
}

// The cache is root's, but what lands in it must not hang, exhaust or crash the tool: a FIFO, a
// symlink to /dev/zero, and an entry whose fields have the wrong types.
TEST(CliSetup, OddCacheEntriesAreSkippedWithANote) {
    CliFixture fixture(68);
    const std::string results = fixture.cache() + "/results";
    std::filesystem::create_directories(results);
    expect_ok(shell_in("", "mkfifo " + results + "/fifo && ln -s /dev/zero " + results + "/zero"),
              "plant");
    json odd = {{"kind", "cniCacheV1"}, {"containerId", "odd"}, {"ifName", "eth0"},
                {"networkName", fixture.network().name()}, {"config", ""},
                {"result", {{"interfaces", {{{"name", "x"}, {"sandbox", 5}}}}}}};
    std::ofstream(results + "/" + fixture.network().name() + "-odd-eth0") << odd.dump();

    const ProcessResult show = fixture.cli({"show"});
    expect_ok(show, "show");
    EXPECT_NE(show.err.find("ignoring read cache entry " + results + "/fifo: not a regular file"),
              std::string::npos)
        << show.err;
    EXPECT_NE(show.err.find(results + "/zero"), std::string::npos) << show.err;
    EXPECT_NE(show.out.find("odd"), std::string::npos) << show.out;

    // gc without --valid: other files are only noted; an unreadable entry of this network may
    // be a live attachment, so gc refuses.
    const std::string conf = fixture.write("nsveth.conf", fixture.network().config());
    const ProcessResult noted = fixture.cli({"gc", "--config", conf});
    EXPECT_EQ(noted.status, 0) << noted.err;
    EXPECT_NE(noted.err.find("nsveth gc: ignoring read cache entry " + results + "/fifo"),
              std::string::npos)
        << noted.err;
    std::ofstream(results + "/" + fixture.network().name() + "-bad-eth0") << "garbage";
    const ProcessResult gc = fixture.cli({"gc", "--config", conf});
    EXPECT_EQ(gc.status, 2) << gc.err;
    EXPECT_NE(gc.err.find("cannot tell what is valid"), std::string::npos) << gc.err;
}

// --netns NAME, /var/run/netns/NAME and /run/netns/NAME are one attachment.
TEST(CliSetup, NetnsNameAndItsPathAreTheSameAttachment) {
    CliFixture fixture(69);
    NameGuard demo;
    const std::string conf = fixture.write("nsveth.conf", fixture.network().config());
    expect_ok(fixture.cli({"add", "--config", conf, "--netns", demo.name}), "add by name");
    expect_ok(fixture.cli({"check", "--config", conf, "--netns", "/run/netns/" + demo.name}),
              "check by /run/netns path");
    expect_ok(fixture.cli({"del", "--config", conf, "--netns", demo.path()}), "del by path");
    EXPECT_FALSE(std::filesystem::exists(demo.path())) << "del removes the namespace add created";
    EXPECT_EQ(fixture.cache_entries(), 0u);
    EXPECT_EQ(fixture.veth_count(), 0);
}

TEST(CliSetup, ChainWithTuningAndPortmapAddCheckDel) {
    CliFixture fixture(61);
    NameGuard demo;
    TempDir tuning_data;
    const json list = {
        {"cniVersion", "1.0.0"},  // Debian 12's reference plugins speak up to 1.0.0
        {"name", fixture.network().name()},
        {"plugins",
         {nsveth_plugin(fixture.network()),
          {{"type", "tuning"},
           {"mtu", 1400},
           {"dataDir", tuning_data.path()},
           {"sysctl", {{"net.ipv4.conf.eth0.arp_filter", "1"}}}},
          {{"type", "portmap"}, {"capabilities", {{"portMappings", true}}}, {"snat", true}}}}};
    const std::string conflist = fixture.write("chain.conflist", list);
    const std::string mappings =
        R"({"portMappings": [{"hostPort": 18080, "containerPort": 80, "protocol": "tcp"}]})";
    const std::string container = "nsveth-" + demo.name;

    const ProcessResult add =
        fixture.cli({"add", "--config", conflist, "--netns", demo.name, "--cap-args", mappings});
    expect_ok(add, "add");
    const json result = json::parse(add.out);
    EXPECT_EQ(result["cniVersion"], "1.0.0");
    ASSERT_EQ(result["interfaces"].size(), 2u) << "tuning and portmap pass nsveth's result on";
    EXPECT_EQ(result["ips"][0]["address"], "10.77.61.2/24");
    EXPECT_NE(shell_in(demo.path(), "ip -o link show eth0").out.find("mtu 1400"), std::string::npos)
        << "tuning ran";
    EXPECT_EQ(shell_in(demo.path(), "cat /proc/sys/net/ipv4/conf/eth0/arp_filter").out, "1\n");
    const std::string host = fixture.network().host().path();
    EXPECT_NE(shell_in(host, "iptables-save -t nat").out.find("18080"), std::string::npos)
        << "portmap got runtimeConfig.portMappings from --cap-args";
    const json cached = json::parse(std::ifstream(fixture.cache_file(container)));
    EXPECT_EQ(cached["capabilityArgs"], json::parse(mappings));

    // del needs only the same options: the capability arguments come from the cache (portmap
    // removes its rules only when it is told the mappings). CHECK is left out here: Debian 12's
    // portmap (1.1.1) checks IPv4 mappings against ip6tables too, and fails on any host.
    const std::vector<std::string> same{"--config", conflist, "--netns", demo.name};
    std::vector<std::string> add_plain{"add"}, check{"check"}, del{"del"};
    for (auto* args : {&add_plain, &check, &del})
        args->insert(args->end(), same.begin(), same.end());
    expect_ok(fixture.cli(del), "del");
    EXPECT_EQ(shell_in(host, "iptables-save -t nat").out.find("18080"), std::string::npos);
    EXPECT_EQ(fixture.veth_count(), 0);
    EXPECT_TRUE(fixture.reservations().empty());
    EXPECT_EQ(fixture.cache_entries(), 0u);
    EXPECT_TRUE(std::filesystem::is_empty(tuning_data.path()));
    EXPECT_FALSE(std::filesystem::exists(demo.path()));

    // Without portMappings the whole chain passes ADD, CHECK, show and DEL.
    expect_ok(fixture.cli(add_plain), "add without portMappings");
    const ProcessResult checked = fixture.cli(check);
    expect_ok(checked, "check");
    EXPECT_EQ(checked.out, "");
    const json listing = json::parse(fixture.cli({"show", "--json"}).out);
    ASSERT_EQ(listing.size(), 1u);
    EXPECT_EQ(listing[0]["check"]["passed"], true) << listing.dump();
    expect_ok(fixture.cli(del), "del without portMappings");
    EXPECT_EQ(fixture.veth_count(), 0);
    EXPECT_TRUE(fixture.reservations().empty());
    EXPECT_EQ(fixture.cache_entries(), 0u);
    EXPECT_TRUE(std::filesystem::is_empty(tuning_data.path()));
    EXPECT_FALSE(std::filesystem::exists(demo.path()));
}

TEST(CliSetup, FailingLaterPluginRollsBackEarlierAdd) {
    CliFixture fixture(62);
    TempDir tuning_data;
    struct Case {
        std::string what;
        json plugin;
        std::string message;
    };
    const std::vector<Case> cases{
        {"missing plugin", {{"type", "nsvt-no-such-plugin"}}, "not found in CNI_PATH"},
        {"failing plugin",
         {{"type", "tuning"},
          {"dataDir", tuning_data.path()},
          {"sysctl", {{"kernel.nsvt_not_a_net_sysctl", "1"}}}},
         "failed (add)"},
    };
    for (const auto& c : cases) {
        NameGuard demo;
        const json list = {{"cniVersion", "1.0.0"},
                           {"name", fixture.network().name()},
                           {"plugins", {nsveth_plugin(fixture.network()), c.plugin}}};
        const std::string conflist = fixture.write("failing.conflist", list);
        const ProcessResult add = fixture.cli({"add", "--config", conflist, "--netns", demo.name});
        EXPECT_EQ(add.status, 1) << c.what << ": " << add.out << add.err;
        EXPECT_EQ(add.out, "") << c.what;
        EXPECT_NE(add.err.find(c.message), std::string::npos) << c.what << ": " << add.err;
        EXPECT_EQ(fixture.veth_count(), 0) << c.what;
        EXPECT_TRUE(fixture.reservations().empty()) << c.what;
        EXPECT_EQ(fixture.cache_entries(), 0u) << c.what;
        EXPECT_FALSE(std::filesystem::exists(demo.path())) << c.what;
    }
}

TEST(CliSetup, StatusAndGc) {
    CliFixture fixture(63);
    const std::string conf = fixture.write("nsveth.conf", fixture.network().config());
    const std::string network = fixture.network().name();

    const ProcessResult status = fixture.cli({"status", "--config", conf});
    expect_ok(status, "status");
    EXPECT_EQ(status.out, network + ": ready\n");

    NameGuard a, b;
    const ProcessResult add_a =
        fixture.cli({"add", "--config", conf, "--netns", a.name, "--human"});
    expect_ok(add_a, "add a");
    EXPECT_EQ(add_a.out.rfind("INTERFACE", 0), 0u) << add_a.out;
    EXPECT_NE(add_a.out.find("10.77.63.2/24"), std::string::npos) << add_a.out;
    expect_ok(fixture.cli({"add", "--config", conf, "--netns", b.name}), "add b");
    // The same attachment again is refused before anything runs.
    const ProcessResult again = fixture.cli({"add", "--config", conf, "--netns", a.name});
    EXPECT_EQ(again.status, 1);
    expect_one_line(again, "second add");
    // A reservation no cache entry accounts for, as a runtime that died mid-ADD would leave.
    ScopedNetns leaked_pod("nsvt-p");
    expect_ok(fixture.network().exec("ADD", "leaked-1", leaked_pod.path(), "eth0",
                                     fixture.network().config()),
              "plugin ADD");
    ASSERT_EQ(fixture.reservations().size(), 3u);

    // Default: the cached attachments are the valid ones, so only the leak is collected.
    const ProcessResult gc = fixture.cli({"gc", "--config", conf});
    expect_ok(gc, "gc");
    EXPECT_EQ(gc.out, "");
    EXPECT_EQ(fixture.reservations(), (std::set<std::string>{"10.77.63.2", "10.77.63.3"}));
    expect_ok(fixture.cli({"check", "--config", conf, "--netns", a.name}), "check a after gc");

    // --valid: b is stale, so it gets DEL with its cached arguments, then GC.
    const std::string a_id = "nsveth-" + a.name, b_id = "nsveth-" + b.name;
    const ProcessResult gc_valid = fixture.cli({"gc", "--config", conf, "--valid", a_id + "/eth0"});
    expect_ok(gc_valid, "gc --valid");
    EXPECT_EQ(gc_valid.out, "deleted stale attachment " + b_id + "/eth0\n");
    EXPECT_EQ(fixture.reservations(), std::set<std::string>{"10.77.63.2"});
    EXPECT_FALSE(std::filesystem::exists(fixture.cache_file(b_id)));
    EXPECT_FALSE(std::filesystem::exists(b.path()));
    expect_ok(fixture.cli({"check", "--config", conf, "--netns", a.name}), "check a after gc");

    expect_ok(fixture.cli({"del", "--config", conf, "--netns", a.name}), "del a");
    expect_ok(fixture.network().exec("DEL", "leaked-1", leaked_pod.path(), "eth0",
                                     fixture.network().config()),
              "plugin DEL");
    EXPECT_EQ(fixture.veth_count(), 0);
    EXPECT_TRUE(fixture.reservations().empty());
    EXPECT_EQ(fixture.cache_entries(), 0u);
    EXPECT_FALSE(std::filesystem::exists(a.path()));

    // STATUS reports an exhausted pool: a /30 has one address besides the gateway.
    fixture.network().ipam()["ranges"] =
        json::array({json::array({{{"subnet", "10.77.64.0/30"}}})});
    const std::string small = fixture.write("small.conf", fixture.network().config());
    NameGuard c;
    expect_ok(fixture.cli({"add", "--config", small, "--netns", c.name}), "add to /30");
    const ProcessResult exhausted = fixture.cli({"status", "--config", small});
    EXPECT_EQ(exhausted.status, 1);
    expect_one_line(exhausted, "status of an exhausted network");
    EXPECT_NE(exhausted.err.find("code 50"), std::string::npos) << exhausted.err;
    expect_ok(fixture.cli({"del", "--config", small, "--netns", c.name}), "del from /30");
    EXPECT_EQ(fixture.cache_entries(), 0u);
    EXPECT_FALSE(std::filesystem::exists(c.path()));
}

TEST(CliSetup, BadInputIsOneLineAndChangesNothing) {
    CliFixture fixture(65);
    NameGuard demo;
    const std::string good = fixture.write("good.conf", fixture.network().config());
    const std::string malformed = fixture.write("bad.conf", std::string("{\"name\": \"x\",,}"));
    json nameless = fixture.network().config();
    nameless.erase("name");
    json bad_name = fixture.network().config();
    bad_name["name"] = "a b";
    const std::string no_name = fixture.write("no-name.conf", nameless);
    const std::string invalid_name = fixture.write("bad-name.conf", bad_name);
    const std::string empty_list = fixture.write(
        "empty.conflist", json{{"cniVersion", "1.0.0"}, {"name", "x"}, {"plugins", json::array()}});
    const std::string typeless =
        fixture.write("typeless.conflist",
                      json{{"cniVersion", "1.0.0"}, {"name", "x"}, {"plugins", {{{"mtu", 1400}}}}});
    const std::string missing = fixture.write("unused", std::string()) + ".does-not-exist";
    const std::string n = demo.name;

    const std::vector<std::vector<std::string>> usage_errors{
        {"bogus"},
        {"add"},
        {"add", "--netns", n},
        {"add", "--config", good},
        {"add", "--config", missing, "--netns", n},
        {"add", "--config", malformed, "--netns", n},
        {"add", "--config", no_name, "--netns", n},
        {"add", "--config", invalid_name, "--netns", n},
        {"add", "--config", empty_list, "--netns", n},
        {"add", "--config", typeless, "--netns", n},
        {"add", "--config", good, "--netns", "relative/path"},
        {"add", "--config", good, "--netns", ".."},
        {"add", "--config", good, "--netns", n, "--ifname", "much-too-long-name"},
        {"add", "--config", good, "--netns", n, "--ifname", "a:b"},
        {"add", "--config", good, "--netns", n, "--container-id", "-bad"},
        {"add", "--config", good, "--netns", n, "--args", "NOVALUE"},
        {"add", "--config", good, "--netns", n, "--cap-args", "[1]"},
        {"add", "--config", good, "--netns", n, "--bogus"},
        {"add", "--config", good, "--netns", n, "stray"},
        {"add", "--config"},
        {"check", "--config", good},
        {"del", "--netns", n},
        {"show", "--config", good},
        {"status"},
        {"status", "--config", missing},
        {"gc", "--config", good, "--valid", "no-slash"},
        {"gc", "--config", good, "--valid", "a/b", "--valid-none"},
        {"gc", "--config", good, "--cache-dir", "/nonexistent/nsvt-cache"},  // all would be stale
        {"help", "bogus"},
    };
    for (const auto& args : usage_errors) {
        std::string what = "nsveth";
        for (const auto& arg : args) what += " '" + arg + "'";
        const ProcessResult run = fixture.cli(args);
        EXPECT_EQ(run.status, 2) << what << ": " << run.err;
        expect_one_line(run, what);
    }
    // Well-formed, but there is nothing to check.
    const ProcessResult check = fixture.cli({"check", "--config", good, "--netns", n});
    EXPECT_EQ(check.status, 1);
    expect_one_line(check, "check without add");

    EXPECT_FALSE(std::filesystem::exists(demo.path()));
    EXPECT_EQ(fixture.veth_count(), 0);
    EXPECT_TRUE(fixture.reservations().empty());
    EXPECT_EQ(fixture.cache_entries(), 0u);
}

TEST(CliSetup, HelpPerCommandWithExamples) {
    CliFixture fixture(66);
    const ProcessResult top = fixture.cli({"--help"});
    expect_ok(top, "--help");
    for (const std::string command : {"add", "check", "del", "show", "status", "gc"})
        EXPECT_NE(top.out.find("nsveth " + command + " "), std::string::npos) << command;
    for (const std::string command : {"add", "check", "del", "show", "status", "gc", "version"}) {
        const ProcessResult help = fixture.cli({"help", command});
        expect_ok(help, "help " + command);
        EXPECT_EQ(help.out.rfind("Usage: nsveth " + command, 0), 0u) << help.out;
        EXPECT_NE(help.out.find("Examples:\n  nsveth " + command), std::string::npos) << help.out;
        EXPECT_EQ(fixture.cli({command, "--help"}).out, help.out) << command;
    }
    const ProcessResult version = fixture.cli({"version"});
    expect_ok(version, "version");
    EXPECT_NE(version.out.find("1.1.0"), std::string::npos) << version.out;
}

}  // namespace
}  // namespace nsveth::testing
