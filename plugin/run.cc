// Dispatch: environment -> configuration -> command -> exactly one JSON document on `out`.
#include "plugin/run.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "plugin/cni_error.h"
#include "plugin/commands.h"
#include "plugin/net_config.h"
#include "plugin/result.h"
#include "plugin/version.h"

namespace nsveth {

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

void print(std::ostream& out, const nlohmann::json& document) {
    out << document.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace

int run(const Environment& env, std::string_view input, std::ostream& out) {
    try {
        const CniEnv cni = parse_environment(env);
        if (cni.command == Command::kVersion) {
            print(out, version_info(input));
            return 0;
        }
        const NetConfig config = parse_net_config(input);
        switch (cni.command) {
            case Command::kAdd:
                print(out, render_result(cmd_add(cni, config), config.cni_version));
                return 0;
            case Command::kDel:
                cmd_del(cni, config);
                return 0;
            case Command::kCheck:
                cmd_check(cni, config);
                return 0;
            case Command::kStatus:
            case Command::kGc:
            case Command::kVersion:
                break;
        }
        throw CniError(kInvalidEnvironment,
                       "CNI_COMMAND " + env.at("CNI_COMMAND") + " is not implemented yet");
    } catch (const std::exception& error) {
        print(out, render_error(error, requested_version(input)));
        return 1;
    }
}

}  // namespace nsveth
