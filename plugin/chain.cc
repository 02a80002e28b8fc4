// The chain runner: one request per plugin, built by conflist.cc, executed in-process (nsveth) or
// by exec_delegate (everything else), with libcni's order and its "plugin ... failed (verb)" texts.
#include "plugin/chain.h"

#include <unistd.h>

#include <exception>
#include <string_view>

#include "common/error.h"
#include "netns/named_netns.h"
#include "plugin/delegate.h"
#include "plugin/run.h"
#include "plugin/version.h"

namespace nsveth {

namespace {

using nlohmann::json;

/// Whether `type` can be invoked: nsveth always, anything else when CNI_PATH has it executable.
bool can_invoke(const std::string& type, const std::string& cni_path) {
    if (type == kInProcessType) return true;
    std::string_view dirs = cni_path;
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const std::string dir(dirs.substr(0, colon));
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
        if (!dir.empty() && access((dir + "/" + type).c_str(), X_OK) == 0) return true;
    }
    return false;
}

/// CNI_NETNS for one plugin: nsveth gets the namespace as given (a bare name lets its ADD create
/// the namespace and its DEL remove it again); other plugins expect a path.
std::string netns_for(const std::string& type, const std::string& netns) {
    if (type == kInProcessType || netns.empty() || netns.find('/') != std::string::npos)
        return netns;
    return named_netns_path(netns);
}

/// The environment of one plugin execution: the process's, with all six CNI variables set (empty
/// ones too, as libcni sets them). CNI_COMMAND is set by invoke().
Environment plugin_env(const ChainContext& context, const std::string& type,
                       const AttachmentParams* params) {
    Environment env = context.base_env;
    env["CNI_CONTAINERID"] = params ? params->container_id : "";
    env["CNI_NETNS"] = params ? netns_for(type, params->netns) : "";
    env["CNI_IFNAME"] = params ? params->ifname : "";
    env["CNI_ARGS"] = params ? join_cni_args(params->cni_args) : "";
    env["CNI_PATH"] = context.cni_path;
    return env;
}

/// Runs one plugin command and returns what it printed (null for nothing). Throws CniError with
/// the plugin's own code, msg and details when it fails.
json invoke(const std::string& type, std::string_view command, Environment env,
            const std::string& input) {
    if (type != kInProcessType) return exec_delegate(type, env, command, input);
    env["CNI_COMMAND"] = std::string(command);
    std::string text;
    const int status = run(kNsvethCommands, env, input, text);
    const json document = json::parse(text, nullptr, false);
    if (status == 0) {
        if (text.find_first_not_of(" \t\r\n") == std::string::npos) return nullptr;
        if (document.is_discarded()) throw CniError(kDecodeFailure, "nsveth printed no valid JSON");
        return document;
    }
    if (document.is_object() && document.contains("code") && document["code"].is_number_integer())
        throw CniError(document["code"].get<int>(),
                       "nsveth: " + document.value("msg", std::string("failed")),
                       document.value("details", std::string()));
    throw CniError(kSystemFailure, "nsveth " + std::string(command) + " failed");
}

/// `plugin type="T" failed (verb): msg: details (code N)`.
CniError plugin_failure(const NetworkList& list, std::size_t index, std::string_view verb,
                        const std::exception& error) {
    std::string text =
        "plugin " + describe_plugin(list, index) + " failed (" + std::string(verb) + "): ";
    int code = kSystemFailure;
    if (const auto* cni = dynamic_cast<const CniError*>(&error)) {
        code = cni->code();
        text += cni->what();
        if (!cni->details().empty()) text += ": " + cni->details();
    } else {
        text += error.what();
    }
    return CniError(code, text + " (code " + std::to_string(code) + ")");
}

/// Whether plugin `type`'s failed ADD changed nothing, so that its DEL could only do harm: nsveth
/// refuses an invalid request (4) or an attachment that exists (103) before touching anything,
/// and a DEL would then tear down what exists.
bool refused_unchanged(const std::string& type, const std::exception& error) {
    const auto* cni = dynamic_cast<const CniError*>(&error);
    return type == kInProcessType && cni &&
           (cni->code() == kInvalidEnvironment || cni->code() == kAlreadyExists);
}

void del_plugins_from(std::size_t last, const NetworkList& list, const AttachmentParams& params,
                      const json& prev_result, const ChainContext& context,
                      std::vector<std::string>& failures) {
    // libcni sends prevResult on DEL only from 0.4.0 on.
    const json previous =
        compare_versions(list.cni_version, "0.4.0") >= 0 ? prev_result : json(nullptr);
    for (std::size_t i = last + 1; i-- > 0;) {
        const std::string type = plugin_type(list.plugins[i]);
        try {
            invoke(type, "DEL", plugin_env(context, type, &params),
                   plugin_request(list, i, previous, params.capability_args));
        } catch (const std::exception& error) {
            failures.push_back(plugin_failure(list, i, "delete", error).what());
        }
    }
}

}  // namespace

json add_network_list(const NetworkList& list, const AttachmentParams& params,
                      const ChainContext& context) {
    json result = nullptr;
    // DEL for plugins [0, count) in reverse; the ADD failure stays the error reported.
    auto roll_back = [&](std::size_t count) {
        if (count == 0) return;
        std::vector<std::string> failures;
        del_plugins_from(count - 1, list, params, result, context, failures);
        for (const auto& text : failures) context.log << "rollback: " << text << '\n';
    };
    for (std::size_t i = 0; i < list.plugins.size(); ++i) {
        const std::string type = plugin_type(list.plugins[i]);
        if (!can_invoke(type, context.cni_path)) {
            const CniError failure = plugin_failure(
                list, i, "add",
                CniError(kInvalidConfig, "plugin \"" + type + "\" not found in CNI_PATH \"" +
                                             context.cni_path + "\""));
            roll_back(i);
            throw failure;
        }
        try {
            json next = invoke(type, "ADD", plugin_env(context, type, &params),
                               plugin_request(list, i, result, params.capability_args));
            if (!next.is_object()) throw CniError(kDecodeFailure, type + " printed no result");
            result = std::move(next);
        } catch (const std::exception& error) {
            const CniError failure = plugin_failure(list, i, "add", error);
            roll_back(refused_unchanged(type, error) ? i : i + 1);
            throw failure;
        }
    }
    return result;
}

void check_network_list(const NetworkList& list, const AttachmentParams& params,
                        const json& prev_result, const ChainContext& context) {
    for (std::size_t i = 0; i < list.plugins.size(); ++i) {
        const std::string type = plugin_type(list.plugins[i]);
        try {
            invoke(type, "CHECK", plugin_env(context, type, &params),
                   plugin_request(list, i, prev_result, params.capability_args));
        } catch (const std::exception& error) {
            throw plugin_failure(list, i, "check", error);
        }
    }
}

std::vector<std::string> del_network_list(const NetworkList& list, const AttachmentParams& params,
                                          const json& prev_result, const ChainContext& context) {
    std::vector<std::string> failures;
    del_plugins_from(list.plugins.size() - 1, list, params, prev_result, context, failures);
    return failures;
}

void status_network_list(const NetworkList& list, const ChainContext& context) {
    for (std::size_t i = 0; i < list.plugins.size(); ++i) {
        const std::string type = plugin_type(list.plugins[i]);
        try {
            invoke(type, "STATUS", plugin_env(context, type, nullptr),
                   plugin_request_without_attachment(list, i, json::object()));
        } catch (const std::exception& error) {
            throw plugin_failure(list, i, "status", error);
        }
    }
}

std::vector<std::string> gc_network_list(const NetworkList& list,
                                         const std::vector<GcAttachment>& valid,
                                         const ChainContext& context) {
    json attachments = json::array();
    for (const auto& attachment : valid)
        attachments.push_back(
            {{"containerID", attachment.container_id}, {"ifname", attachment.ifname}});
    const json extra = {{"cni.dev/valid-attachments", attachments},
                        {"cni.dev/attachments", attachments}};
    std::vector<std::string> failures;
    for (std::size_t i = 0; i < list.plugins.size(); ++i) {
        const std::string type = plugin_type(list.plugins[i]);
        try {
            invoke(type, "GC", plugin_env(context, type, nullptr),
                   plugin_request_without_attachment(list, i, extra));
        } catch (const std::exception& error) {
            failures.push_back(plugin_failure(list, i, "gc", error).what());
        }
    }
    return failures;
}

}  // namespace nsveth
