// A network configuration file loaded as a runtime loads it (libcni conf.go): a `.conflist` (an
// object with a "plugins" array) or a single-plugin `.conf`, told apart by content, never by file
// name. Each plugin's stdin is then derived from its object as libcni's buildOneConfig derives it.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/attachment_params.h"

namespace nsveth {

struct NetworkList {
    std::string name;
    std::string cni_version;  // chosen from cniVersion and cniVersions as libcni chooses
    bool disable_check = false;
    bool disable_gc = false;
    std::vector<nlohmann::json> plugins;  // each plugin object as written (a .conf: the file)
    std::string bytes;                    // the file as read; the cache keeps it
};

/// Parses a configuration. Throws CniError: kDecodeFailure for malformed JSON or a key of the
/// wrong type, kInvalidConfig for a missing or invalid name, no plugins, or a plugin without a
/// valid "type". Nothing is executed.
NetworkList parse_network_list(std::string_view bytes);

/// Reads and parses `path`. Throws SystemError when it cannot be read, else as parse_network_list
/// (the message then starts with the path).
NetworkList load_network_list(const std::string& path);

/// The "type" of a plugin object (validated by parse_network_list).
std::string plugin_type(const nlohmann::json& plugin);

/// `type="T" name="N"` for messages, as libcni describes a plugin.
std::string describe_plugin(const NetworkList& list, std::size_t index);

/// Stdin for ADD, CHECK or DEL of plugin `index`: its object with the list's name and cniVersion,
/// `prev_result` unless it is null, and `runtimeConfig` holding those capability arguments whose
/// capability the plugin declares (none: the key is left as written).
std::string plugin_request(const NetworkList& list, std::size_t index,
                           const nlohmann::json& prev_result,
                           const nlohmann::json& capability_args);

/// Stdin for STATUS or GC of plugin `index`: its object with the list's name and cniVersion, plus
/// every key of `extra` (an object, e.g. cni.dev/valid-attachments).
std::string plugin_request_without_attachment(const NetworkList& list, std::size_t index,
                                              const nlohmann::json& extra);

}  // namespace nsveth
