// Name checks for the store: every rule here protects a path or a file format of store.cc.
#include "ipam/names.h"

#include <nlohmann/json.hpp>

#include <climits>

#include "common/error.h"

namespace nsveth::ipam {

namespace {

// JSON quoting escapes control characters, so a message never carries a raw CR/LF or NUL.
std::string as_json(const std::string& text) { return nlohmann::json(text).dump(); }

bool has_any(const std::string& text, std::string_view characters) {
    return text.find_first_of(characters) != std::string::npos;
}

void check_part(const std::string& value, const char* what, std::string_view forbidden) {
    if (value.empty()) throw CniError(kInvalidEnvironment, std::string(what) + " is empty");
    if (has_any(value, forbidden))
        throw CniError(kInvalidEnvironment, std::string(what) + " " + as_json(value) +
                                                " contains a character not allowed in a file name");
}

}  // namespace

void check_network_name(const std::string& network) {
    using namespace std::string_view_literals;
    if (network.empty() || network.size() > NAME_MAX || network == "." ||
        network == ".." || has_any(network, "/\0"sv))
        throw CniError(kInvalidConfig, "network name " + as_json(network) +
                                           " cannot be used as a directory name of the IPAM store");
}

void check_attachment(const AttachmentId& who) {
    using namespace std::string_view_literals;
    check_part(who.container_id, "container ID", "/@\r\n\0"sv);
    check_part(who.ifname, "interface name", "/\r\n\0"sv);
    if (!index_name_fits(who))
        throw CniError(kInvalidEnvironment,
                       "container ID " + as_json(who.container_id) + " is too long: the file " +
                           "<container id>@<ifname> would not fit a file name (" +
                           std::to_string(NAME_MAX) + " bytes)");
}

bool index_name_fits(const AttachmentId& who) {
    return who.container_id.size() + 1 + who.ifname.size() <= NAME_MAX;
}

}  // namespace nsveth::ipam
