// Loading .conf/.conflist files and deriving each plugin's request, after libcni's
// NetworkConfFromBytes, ConfListFromConf, buildOneConfig and injectRuntimeConfig.
#include "plugin/conflist.h"

#include <fcntl.h>

#include <cctype>

#include "common/error.h"
#include "common/fd.h"
#include "common/read_to_end.h"
#include "plugin/environment.h"
#include "plugin/json_depth.h"
#include "plugin/version.h"

namespace nsveth {

namespace {

using nlohmann::json;

std::string type_name(const json& value) { return value.type_name(); }

/// libcni accepts a bool or the strings "true"/"false" (any case) for the list's flags.
bool read_flag(const json& document, const char* key) {
    auto it = document.find(key);
    if (it == document.end()) return false;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_string()) {
        std::string text = it->get<std::string>();
        for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (text == "true") return true;
        if (text == "false") return false;
        throw CniError(kInvalidConfig, std::string("invalid value \"") + text + "\" for " + key);
    }
    throw CniError(kDecodeFailure, std::string("invalid type ") + type_name(*it) + " for " + key);
}

std::string read_string(const json& document, const char* key, bool required) {
    auto it = document.find(key);
    if (it == document.end()) {
        if (required) throw CniError(kInvalidConfig, std::string("no \"") + key + "\"");
        return {};
    }
    if (!it->is_string())
        throw CniError(kDecodeFailure,
                       std::string("invalid type ") + type_name(*it) + " for \"" + key + "\"");
    return it->get<std::string>();
}

/// The highest version among cniVersion and cniVersions that nsveth itself speaks or is older,
/// as libcni picks the highest it implements.
std::string choose_version(const json& document) {
    std::string chosen = read_string(document, "cniVersion", false);
    auto list = document.find("cniVersions");
    if (list == document.end()) return chosen;
    if (!list->is_array())
        throw CniError(kDecodeFailure, "invalid type " + type_name(*list) + " for \"cniVersions\"");
    const std::string_view newest = kSupportedVersions.back();
    std::string best = compare_versions(chosen, newest) <= 0 ? chosen : std::string();
    for (const auto& entry : *list) {
        if (!entry.is_string())
            throw CniError(kDecodeFailure,
                           "invalid type " + type_name(entry) + " in \"cniVersions\"");
        const std::string& version = entry.get_ref<const std::string&>();
        if (compare_versions(version, newest) <= 0 &&
            (best.empty() || compare_versions(version, best) > 0))
            best = version;
    }
    return best.empty() ? chosen : best;  // none usable: let the plugins refuse cniVersion
}

void validate_plugin(const json& plugin, std::size_t index, bool in_list) {
    const std::string where = in_list ? "plugin " + std::to_string(index) + ": " : "";
    if (!plugin.is_object())
        throw CniError(kDecodeFailure, where + "not an object but " + type_name(plugin));
    auto type = plugin.find("type");
    if (type == plugin.end() || !type->is_string() || type->get_ref<const std::string&>().empty())
        throw CniError(kInvalidConfig, where + "missing \"type\"");
    const std::string& text = type->get_ref<const std::string&>();
    if (text.find('/') != std::string::npos || text == "." || text == "..")
        throw CniError(kInvalidConfig, where + "invalid \"type\" \"" + text + "\"");
}

}  // namespace

NetworkList parse_network_list(std::string_view bytes) {
    if (nests_too_deep(bytes))
        throw CniError(kDecodeFailure,
                       "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    json document;
    try {
        document = json::parse(bytes.begin(), bytes.end());
    } catch (const json::parse_error& error) {
        // nlohmann's text starts "[json.exception.parse_error.101] parse error at ...".
        const std::string text = error.what();
        const auto bracket = text.find("] ");
        throw CniError(
            kDecodeFailure,
            "malformed JSON: " + (bracket == std::string::npos ? text : text.substr(bracket + 2)));
    }
    if (!document.is_object())
        throw CniError(kDecodeFailure, "not a JSON object but " + type_name(document));

    NetworkList list;
    list.bytes = std::string(bytes);
    list.name = read_string(document, "name", true);
    if (!is_valid_container_id(list.name))
        throw CniError(kInvalidConfig, "invalid network name \"" + list.name +
                                           "\": must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$");
    list.cni_version = choose_version(document);
    list.disable_check = read_flag(document, "disableCheck");
    list.disable_gc = read_flag(document, "disableGC");

    auto plugins = document.find("plugins");
    if (plugins == document.end()) {
        // A single-plugin .conf: the list of just this plugin (libcni ConfListFromConf).
        validate_plugin(document, 0, false);
        list.plugins.push_back(document);
        return list;
    }
    if (!plugins->is_array())
        throw CniError(kDecodeFailure, "invalid type " + type_name(*plugins) + " for \"plugins\"");
    if (plugins->empty()) throw CniError(kInvalidConfig, "no plugins in \"plugins\"");
    for (std::size_t i = 0; i < plugins->size(); ++i) {
        validate_plugin((*plugins)[i], i, true);
        list.plugins.push_back((*plugins)[i]);
    }
    return list;
}

NetworkList load_network_list(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("cannot read " + path);
    std::string bytes;  // the path may name a pipe (a process substitution)
    if (!read_to_end(fd.get(), bytes, FileKind::kStream)) throw_errno("cannot read " + path);
    try {
        return parse_network_list(bytes);
    } catch (const CniError& error) {
        throw CniError(error.code(), path + ": " + error.what(), error.details());
    }
}

std::string plugin_type(const nlohmann::json& plugin) {
    return plugin.at("type").get<std::string>();
}

std::string describe_plugin(const NetworkList& list, std::size_t index) {
    const json& plugin = list.plugins.at(index);
    std::string text = "type=\"" + plugin_type(plugin) + "\"";
    auto name = plugin.find("name");
    if (name != plugin.end() && name->is_string() && !name->get_ref<const std::string&>().empty())
        text += " name=\"" + name->get<std::string>() + "\"";
    return text;
}

std::string plugin_request(const NetworkList& list, std::size_t index, const json& prev_result,
                           const json& capability_args) {
    json request = list.plugins.at(index);
    request["name"] = list.name;
    request["cniVersion"] = list.cni_version;
    if (!prev_result.is_null()) request["prevResult"] = prev_result;
    // runtimeConfig = the capability arguments the plugin declares it understands.
    json runtime = json::object();
    auto capabilities = request.find("capabilities");
    if (capabilities != request.end() && capabilities->is_object() && capability_args.is_object())
        for (const auto& [capability, enabled] : capabilities->items())
            if (enabled.is_boolean() && enabled.get<bool>() && capability_args.contains(capability))
                runtime[capability] = capability_args.at(capability);
    if (!runtime.empty()) request["runtimeConfig"] = runtime;
    return request.dump();
}

std::string plugin_request_without_attachment(const NetworkList& list, std::size_t index,
                                              const json& extra) {
    json request = list.plugins.at(index);
    request["name"] = list.name;
    request["cniVersion"] = list.cni_version;
    if (extra.is_object())
        for (const auto& [key, value] : extra.items()) request[key] = value;
    return request.dump();
}

}  // namespace nsveth
