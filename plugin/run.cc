// Dispatch: environment -> configuration -> version gate -> command -> one JSON document.
#include "plugin/run.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "plugin/cni_error.h"
#include "plugin/commands.h"
#include "plugin/ipam_commands.h"
#include "plugin/version.h"

namespace nsveth {

const PluginCommands kNsvethCommands = {cmd_add, cmd_del, cmd_check, cmd_status, cmd_gc};
const PluginCommands kIpamCommands = {ipam_add, ipam_del, ipam_check, ipam_status, ipam_gc};

namespace {

/// The cniVersion an error should carry: the configuration's, if stdin has a readable one.
std::string requested_version(std::string_view input) {
    auto json = nlohmann::json::parse(input, nullptr, false);
    if (json.is_object()) {
        auto version = json.find("cniVersion");
        if (version != json.end() && version->is_string()) return version->get<std::string>();
    }
    return std::string(kSupportedVersions.back());
}

void print(std::string& out, const nlohmann::json& document) {
    out += document.dump(4, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
}

void require_version(const NetConfig& config, const char* minimum, const char* command) {
    if (compare_versions(config.cni_version, minimum) < 0)
        throw CniError(kIncompatibleVersion, std::string("config version ") +
                                                 config.cni_version + " does not allow " +
                                                 command + " (needs " + minimum + " or later)");
}

}  // namespace

int run(const PluginCommands& commands, const Environment& env, std::string_view input,
        std::string& out) {
    try {
        if (input.size() > kMaxInputBytes)
            throw CniError(kDecodeFailure, "stdin holds more than " +
                                               std::to_string(kMaxInputBytes >> 20) +
                                               " MiB; a network configuration is a few KiB");
        CniEnv cni = parse_environment(env);
        if (cni.command == Command::kVersion) {
            print(out, version_info(input));
            return 0;
        }
        const Invocation invocation{env, input, std::move(cni), parse_net_config(input)};
        switch (invocation.cni.command) {
            case Command::kAdd:
                print(out, render_result(commands.add(invocation),
                                         invocation.config.cni_version));
                break;
            case Command::kDel:
                commands.del(invocation);
                break;
            case Command::kCheck:
                require_version(invocation.config, "0.4.0", "CHECK");
                commands.check(invocation);
                break;
            case Command::kStatus:
                require_version(invocation.config, "1.1.0", "STATUS");
                commands.status(invocation);
                break;
            case Command::kGc:
                require_version(invocation.config, "1.1.0", "GC");
                commands.gc(invocation);
                break;
            case Command::kVersion:
                break;
        }
        return 0;
    } catch (const std::exception& error) {
        const bool readable = input.size() <= kMaxInputBytes;
        print(out, render_error(error, readable ? requested_version(input)
                                                : std::string(kSupportedVersions.back())));
        return 1;
    }
}

}  // namespace nsveth
