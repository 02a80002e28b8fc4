// TestNetwork: configurations and plugin execution for root tests.
#include "tests/support/network.h"

namespace nsveth::testing {

std::string nsveth_binary() { return NSVETH_BINARY; }
std::string plugin_dir() { return NSVETH_PLUGIN_DIR; }

TestNetwork::TestNetwork(int subnet_index, bool dual_stack)
    : index_(subnet_index), name_(unique_name("nsvt-net")), host_("nsvt-h") {
    nlohmann::json ranges =
        nlohmann::json::array({nlohmann::json::array({{{"subnet", v4_subnet()}}})});
    nlohmann::json routes = nlohmann::json::array({{{"dst", "0.0.0.0/0"}}});
    if (dual_stack) {
        ranges.push_back(nlohmann::json::array({{{"subnet", v6_subnet()}}}));
        routes.push_back({{"dst", "::/0"}});
    }
    ipam_ = {{"type", "nsveth-ipam"}, {"ranges", ranges}, {"routes", routes},
             {"dataDir", data_.path()}};
}

std::string TestNetwork::v4_subnet() const { return "10.77." + std::to_string(index_) + ".0/24"; }
std::string TestNetwork::v6_subnet() const {
    return "fd00:77:" + std::to_string(index_) + "::/64";
}

nlohmann::json TestNetwork::config(const std::string& version) const {
    return {{"cniVersion", version}, {"name", name_}, {"type", "nsveth"}, {"ipam", ipam_}};
}

namespace {

std::map<std::string, std::string> cni_env(const std::string& command,
                                           const std::string& container_id,
                                           const std::string& netns, const std::string& ifname) {
    return {{"CNI_COMMAND", command}, {"CNI_CONTAINERID", container_id}, {"CNI_NETNS", netns},
            {"CNI_IFNAME", ifname},   {"CNI_PATH", plugin_dir() + ":" + kReferencePluginDir},
            {"CNI_ARGS", ""}};
}

}  // namespace

RunningProcess TestNetwork::start(const std::string& command, const std::string& container_id,
                                  const std::string& netns, const std::string& ifname,
                                  const nlohmann::json& config) const {
    return start_process({nsveth_binary()}, cni_env(command, container_id, netns, ifname),
                         config.dump(), host_.path());
}

ProcessResult TestNetwork::exec_plugin(const std::string& binary, const std::string& command,
                                       const std::string& container_id, const std::string& netns,
                                       const std::string& ifname, const nlohmann::json& config,
                                       const std::map<std::string, std::string>& extra) const {
    auto env = cni_env(command, container_id, netns, ifname);
    for (const auto& [key, value] : extra) env[key] = value;
    return run_process({binary}, env, config.dump(), host_.path());
}

ProcessResult TestNetwork::exec(const std::string& command, const std::string& container_id,
                                const std::string& netns, const std::string& ifname,
                                const nlohmann::json& config) const {
    return finish(start(command, container_id, netns, ifname, config));
}

}  // namespace nsveth::testing
