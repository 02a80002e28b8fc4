// End to end, input no runtime should send: configurations and environments damaged at random
// (members replaced, removed or added; bytes flipped, dropped or inserted) against every command.
// Whatever the damage, nsveth exits on its own with an answer a runtime can read: an error
// document with a code and a message, or a result. An ADD that fails leaves the host, the pod and
// the IPAM store as they were, and one that succeeds is undone by a DEL of the same input. The
// seed is fixed, so a failure reproduces; NSVETH_DAMAGE_SEED and NSVETH_DAMAGE_RUNS pick others.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "tests/support/network.h"

namespace nsveth::testing {
namespace {

using nlohmann::json;

unsigned long setting(const char* name, unsigned long fallback) {
    const char* text = std::getenv(name);
    return text && *text ? std::strtoul(text, nullptr, 10) : fallback;
}

class Damage {
public:
    explicit Damage(unsigned long seed) : random_(seed) {}

    bool chance(double p) { return std::uniform_real_distribution<>(0, 1)(random_) < p; }
    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(random_)];
    }

    /// One to three members or elements replaced by an odd value or by a copy of another part of
    /// the document (plausible but conflicting: duplicate routes, swapped families), removed, or
    /// joined by an odd value.
    void structure(json& document) {
        for (int n = std::uniform_int_distribution<>(1, 3)(random_); n > 0; --n) {
            std::vector<json::json_pointer> places;
            collect(document, json::json_pointer(), places);
            if (places.empty()) return;
            const json::json_pointer place = pick(places);
            json& parent = document[place.parent_pointer()];
            const double what = std::uniform_real_distribution<>(0, 1)(random_);
            if (what < 0.35) document[place] = pick(odd_values());
            else if (what < 0.6) document[place] = json(document[pick(places)]);
            else if (what < 0.8 && parent.is_object()) parent.erase(place.back());
            else if (parent.is_object()) parent["odd" + std::to_string(n)] = pick(odd_values());
            else parent.push_back(pick(odd_values()));
        }
    }

    /// One to four bytes of the text flipped, dropped, or inserted.
    void bytes(std::string& text) {
        for (int n = std::uniform_int_distribution<>(1, 4)(random_); n > 0 && !text.empty(); --n) {
            const std::size_t at =
                std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(random_);
            const double what = std::uniform_real_distribution<>(0, 1)(random_);
            if (what < 0.4) text[at] = static_cast<char>(random_() & 0xff);
            else if (what < 0.7) text.erase(at, 1);
            else text.insert(at, 1, "{}[]\",:\\0e-"[random_() % 11]);
        }
    }

private:
    static void collect(const json& node, const json::json_pointer& here,
                        std::vector<json::json_pointer>& out) {
        if (!here.empty()) out.push_back(here);
        if (node.is_object())
            for (const auto& [key, value] : node.items()) collect(value, here / key, out);
        else if (node.is_array())
            for (std::size_t i = 0; i < node.size(); ++i) collect(node[i], here / i, out);
    }

    /// Not "nsveth": as ipam.type it has its own test, which bounds a regression with a timeout.
    static const std::vector<json>& odd_values() {
        static const std::vector<json> values = {
            nullptr, true, false, 0, -1, 1, 1.5, 1e308, 18446744073709551615ull,
            -9223372036854775807ll, "", std::string(300, 'x'), json::array(), json::object(),
            "../../etc", "a\nb", std::string("\0", 1), "10.77.77.0/24", "::/0", "0.0.0.0/0",
            "fd00:77:77::1", "10.77.77.300", "10.77.77.5/33", "eth0", "lo", "1.1.0", "0.4.0",
            "9.9.9", "nsveth-ipam", "host-local", "static", "loopback", "/", "%s%n",
            json::array({json::array()}), json::array({json::object()}), json{{"a", 1}},
            json::array({json::array({{{"subnet", "10.77.77.0/31"}}})}), 68, 65536, -5};
        return values;
    }

    std::mt19937 random_;
};

/// What a failed ADD, or an ADD and its DEL, must leave as it was: the links, routes and nftables
/// of the host, the links, addresses and routes of the pod, and the reservations of the IPAM store
/// (not its lock, boot id and round-robin cursors). The host's addresses are left out: its veths'
/// IPv6 link-local addresses settle on their own schedule.
std::string snapshot(const TestNetwork& network, const ScopedNetns& pod) {
    std::string text = shell_in(network.host().path(),
                                "ip -o link show | cut -d' ' -f2; ip route; ip -6 route | "
                                "grep -v '^fe80'; nft list ruleset")
                           .out +
                       shell_in(pod.path(), "ip -o link; ip -o addr; ip route; ip -6 route").out;
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(network.data_dir())) {
        const std::string name = entry.path().filename();
        if (entry.is_directory() || name == "lock" || name == "boot_id" ||
            name.starts_with("last_reserved_ip."))
            continue;
        std::ifstream file(entry.path());
        files.push_back(entry.path().string() + ": " +
                        std::string(std::istreambuf_iterator<char>(file), {}));
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) text += file + "\n";
    return text;
}

/// What makes `run` an answer a runtime cannot read ("" when it can): an exit other than 0 or 1, a
/// failure without one error document (an integer code and a message), or output that is no JSON.
std::string unreadable(const ProcessResult& run, const std::string& command) {
    if (run.status != 0 && run.status != 1) return "exit status " + std::to_string(run.status);
    const json answer = json::parse(run.out, nullptr, false);
    if (run.status == 1) {
        const bool coded = answer.is_object() && answer.contains("code") &&
                           answer["code"].is_number_integer();
        if (!coded || !answer.contains("msg") || !answer["msg"].is_string() || answer["msg"] == "")
            return "no error document";
    } else if ((command == "ADD" || command == "VERSION") && !answer.is_object()) {
        return "no result";
    } else if (!run.out.empty() && answer.is_discarded()) {
        return "output that is not JSON";
    }
    return "";
}

/// Whether `input`, when it is a configuration at all, still keeps IPAM state in `data_dir`: a
/// damaged "dataDir" key would send it to the machine's default directory.
bool keeps_data_dir(const std::string& input, const std::string& data_dir) {
    const json document = json::parse(input, nullptr, false);
    if (!document.is_object() || !document.contains("ipam") || !document["ipam"].is_object())
        return true;
    return document["ipam"].value("dataDir", json()) == data_dir;
}

TEST(DamagedInput, EveryAnswerIsReadableAndAFailedAddChangesNothing) {
    TestNetwork network(77);
    ScopedNetns pod("nsvt-p"), fresh_pod("nsvt-p");
    TempDir scratch;
    const std::string not_a_namespace = scratch.path() + "/file";
    std::ofstream(not_a_namespace) << "x";
    // ADD brings lo up and DEL leaves it so, as the reference plugins do.
    ASSERT_EQ(shell_in(fresh_pod.path(), "ip link set lo up").status, 0);

    json config = network.config();
    config["ipMasq"] = true;
    config["mtu"] = 1500;
    config["dns"] = {{"nameservers", {"10.77.77.1"}}};
    config["args"] = {{"cni", {{"labels", {{{"key", "app"}, {"value", "damage"}}}}}}};
    config["runtimeConfig"] = {{"mac", "0a:58:0a:4d:4d:09"}};
    const auto add_base = [&] {
        return network.exec("ADD", "dmg-base", pod.path(), "eth0", config);
    };
    ProcessResult base = add_base();
    ASSERT_EQ(base.status, 0) << base.out;
    json previous = json::parse(base.out);

    const std::map<std::string, std::vector<std::string>> odd_environment = {
        {"CNI_CONTAINERID", {"", "../../etc", std::string(300, 'a'), "x y", "c@eth0", "."}},
        {"CNI_IFNAME", {"", "abcdefghijklmnop", "eth0/1", "lo", "..", "eth 0", "eth0\n"}},
        {"CNI_NETNS",
         {"", not_a_namespace, "/dev/null", scratch.path() + "/missing", network.host().path()}},
        {"CNI_ARGS", {"IP=", ";;;", "a=b=c", "IgnoreUnknown=1;IP=10.77.77.7", "IP=fd00::1,x"}},
        {"CNI_PATH", {"", "/nonexistent"}}};
    const std::vector<std::string> commands = {"ADD",     "ADD", "CHECK", "CHECK", "DEL",
                                               "DEL",     "GC",  "STATUS", "VERSION"};
    const unsigned long seed = setting("NSVETH_DAMAGE_SEED", 20261129);
    const unsigned long runs = setting("NSVETH_DAMAGE_RUNS", 400);
    Damage damage(seed);

    for (unsigned long i = 0; i < runs && !HasFailure(); ++i) {
        const std::string command = damage.pick(commands);
        const bool add = command == "ADD";
        json document = config;
        if ((command == "CHECK" || command == "DEL") && damage.chance(0.8))
            document["prevResult"] = previous;
        if (command == "GC")
            document["cni.dev/valid-attachments"] = {
                {{"containerID", "dmg-base"}, {"ifname", "eth0"}}};
        // Most damage fails early, in parsing; a route whose gateway no interface reaches fails
        // late, once the veth, addresses and routes are in place.
        if (add && damage.chance(0.1))
            document["ipam"]["routes"].push_back({{"dst", "10.99.0.0/16"}, {"gw", "10.99.9.9"}});
        if (damage.chance(0.85)) damage.structure(document);
        if (document.contains("ipam") && document["ipam"].is_object())
            document["ipam"]["dataDir"] = network.data_dir();  // never the machine's default
        std::string input = document.dump();
        if (damage.chance(0.15)) {
            std::string damaged = input;
            damage.bytes(damaged);
            if (keeps_data_dir(damaged, network.data_dir())) input = damaged;
        }

        std::map<std::string, std::string> env = {
            {"CNI_COMMAND", command},
            {"CNI_CONTAINERID", add ? "dmg-add" : "dmg-base"},
            {"CNI_NETNS", add ? fresh_pod.path() : pod.path()},
            {"CNI_IFNAME", "eth0"},
            {"CNI_PATH", plugin_dir() + ":" + kReferencePluginDir}};
        if (damage.chance(0.3)) {
            auto variable = std::next(odd_environment.begin(),
                                      static_cast<long>(i % odd_environment.size()));
            env[variable->first] = damage.pick(variable->second);
        }
        const std::string context = "run " + std::to_string(i) + " of seed " +
                                    std::to_string(seed) + ", " + command + ", input " + input;

        const std::string before = add ? snapshot(network, fresh_pod) : "";
        const ProcessResult run = run_process({nsveth_binary()}, env, input, network.host().path());
        const std::string problem = unreadable(run, command);
        EXPECT_EQ(problem, "") << context << "\nstdout: " << run.out << "\nstderr: " << run.err;
        if (add && run.status == 0) {
            env["CNI_COMMAND"] = "DEL";
            const ProcessResult undo =
                run_process({nsveth_binary()}, env, input, network.host().path());
            EXPECT_EQ(undo.status, 0) << context << "\nDEL: " << undo.out;
        }
        if (add) {
            EXPECT_EQ(snapshot(network, fresh_pod), before) << context << "\n" << run.out;
        }
        if (command == "DEL" && run.status == 0 && env["CNI_CONTAINERID"] == "dmg-base") {
            base = add_base();  // CHECK and DEL need an attachment to look at
            if (base.status == 0) previous = json::parse(base.out);
        }
    }
    network.exec("DEL", "dmg-base", pod.path(), "eth0", config);
}

}  // namespace
}  // namespace nsveth::testing
