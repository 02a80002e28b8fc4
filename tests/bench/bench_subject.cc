// Commands for the plugins (environment + configuration on stdin, prevResult for CHECK and DEL
// as libcni sends it) and for the floor (arguments).
#include "tests/bench/bench_subject.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace nsveth::bench {

namespace {

constexpr const char* kPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr const char* kIfname = "eth0";
constexpr const char* kNetworkName = "nsveth-bench";

class PluginSubject : public Subject {
  public:
    PluginSubject(const PluginSpec& spec, Stack stack, const std::string& data_dir) : spec_(spec) {
        nlohmann::json ranges = nlohmann::json::array();
        nlohmann::json routes = nlohmann::json::array();
        ranges.push_back(nlohmann::json::array({{{"subnet", "10.88.0.0/16"}}}));
        routes.push_back({{"dst", "0.0.0.0/0"}});
        if (stack == Stack::kDualStack) {
            ranges.push_back(nlohmann::json::array({{{"subnet", "fd00:88::/64"}}}));
            routes.push_back({{"dst", "::/0"}});
        }
        config_ = {{"cniVersion", "1.0.0"},
                   {"name", kNetworkName},
                   {"type", spec.type},
                   {"ipam",
                    {{"type", spec.ipam_type},
                     {"ranges", ranges},
                     {"routes", routes},
                     {"dataDir", data_dir}}}};
    }

    Command add(const Pod& pod) const override { return command("ADD", pod, config_.dump()); }
    Command check(const Pod& pod) const override {
        return command("CHECK", pod, with_prev_result(pod));
    }
    Command del(const Pod& pod) const override {
        return command("DEL", pod, with_prev_result(pod));
    }

    std::vector<std::string> addresses(const Pod& pod) const override {
        std::vector<std::string> found;
        const nlohmann::json result = nlohmann::json::parse(pod.result);
        for (const auto& ip : result.at("ips"))
            found.push_back(ip.at("address").get<std::string>());
        return found;
    }

  private:
    Command command(const std::string& verb, const Pod& pod, std::string input) const {
        return {{spec_.binary},
                {kPath, "CNI_COMMAND=" + verb, "CNI_CONTAINERID=" + pod.container_id,
                 "CNI_NETNS=" + pod.netns.path(), std::string("CNI_IFNAME=") + kIfname,
                 "CNI_PATH=" + spec_.cni_path},
                std::move(input)};
    }

    /// CHECK and DEL carry the cached ADD result, as libcni sends them (cniVersion >= 0.4.0).
    std::string with_prev_result(const Pod& pod) const {
        nlohmann::json config = config_;
        if (!pod.result.empty()) config["prevResult"] = nlohmann::json::parse(pod.result);
        return config.dump();
    }

    PluginSpec spec_;
    nlohmann::json config_;
};

class FloorSubject : public Subject {
  public:
    FloorSubject(std::string binary, Stack stack) : binary_(std::move(binary)), stack_(stack) {}

    Command add(const Pod& pod) const override {
        const auto ips = addresses(pod);
        Command command{
            {binary_, "add", pod.netns.path(), kIfname, host_name(pod), ips[0], "10.88.0.1"},
            {kPath},
            {}};
        if (stack_ == Stack::kDualStack) {
            command.argv.push_back(ips[1]);
            command.argv.push_back("fd00:88::1");
        }
        return command;
    }

    Command check(const Pod& pod) const override {
        Command command{
            {binary_, "check", pod.netns.path(), kIfname, host_name(pod), "4"}, {kPath}, {}};
        if (stack_ == Stack::kDualStack) command.argv.push_back("6");
        return command;
    }

    Command del(const Pod& pod) const override {
        return {{binary_, "del", host_name(pod)}, {kPath}, {}};
    }

    std::vector<std::string> addresses(const Pod& pod) const override {
        const unsigned host = static_cast<unsigned>(pod.index) + 2;  // .0 network, .1 gateway
        if (host > 0xfffe) throw std::out_of_range("the floor's /16 has no room for this pod");
        char v4[32], v6[48];
        std::snprintf(v4, sizeof v4, "10.88.%u.%u/16", host >> 8, host & 0xff);
        std::snprintf(v6, sizeof v6, "fd00:88::%x/64", host);
        if (stack_ == Stack::kIpv4) return {v4};
        return {v4, v6};
    }

  private:
    /// 15 bytes like nsveth's host names: "vethf" + 10 hex digits.
    static std::string host_name(const Pod& pod) {
        char name[16];
        std::snprintf(name, sizeof name, "vethf%010x", static_cast<unsigned>(pod.index));
        return name;
    }

    std::string binary_;
    Stack stack_;
};

}  // namespace

const char* stack_name(Stack stack) { return stack == Stack::kIpv4 ? "IPv4" : "dual-stack"; }

std::unique_ptr<Subject> plugin_subject(const PluginSpec& spec, Stack stack,
                                        const std::string& data_dir) {
    return std::make_unique<PluginSubject>(spec, stack, data_dir);
}

std::unique_ptr<Subject> floor_subject(const std::string& floor_binary, Stack stack) {
    return std::make_unique<FloorSubject>(floor_binary, stack);
}

}  // namespace nsveth::bench
