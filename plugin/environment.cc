// Reads the CNI_* variables and rejects a bad invocation before any side effect: the container ID
// and interface name end up in file names and netlink requests, so they are checked here, once.
#include "plugin/environment.h"

#include <array>
#include <climits>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/hex.h"

namespace nsveth {

namespace {

constexpr std::array<std::pair<std::string_view, Command>, 6> kCommands = {{
    {"ADD", Command::kAdd},
    {"DEL", Command::kDel},
    {"CHECK", Command::kCheck},
    {"VERSION", Command::kVersion},
    {"STATUS", Command::kStatus},
    {"GC", Command::kGc},
}};

constexpr std::string_view kContainerIdRule = R"(must match ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$)";
constexpr std::string_view kIfnameRule =
    R"(must be 1 to 15 bytes, not "." or "..", without '/', ':' or whitespace)";

// Set-but-empty reads as unset: libcni sets every variable, empty ones included.
std::string lookup(const Environment& env, std::string_view name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
}

// Quotes an untrusted value for a message; bytes outside printable ASCII become \xNN so the
// message stays readable and valid UTF-8 whatever the runtime passed.
std::string quote(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
            out += "\\x";
            append_hex(out, byte, 2);
        } else {
            out += c;
        }
    }
    return out + "\"";
}

Command parse_command(const std::string& text) {
    for (const auto& [name, command] : kCommands)
        if (name == text) return command;
    throw CniError(kInvalidEnvironment, "unknown CNI_COMMAND " + quote(text));
}

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The kernel's isspace() (lib/ctype.c, Latin-1) also counts 0xa0, so dev_valid_name() rejects it.
bool is_kernel_space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || static_cast<unsigned char>(c) == 0xa0;
}

}  // namespace

CniEnv parse_environment(const Environment& env) {
    const std::string command_text = lookup(env, "CNI_COMMAND");
    if (command_text.empty())
        throw CniError(kInvalidEnvironment, "required environment variables missing: CNI_COMMAND");

    CniEnv result;
    result.command = parse_command(command_text);
    result.args = lookup(env, "CNI_ARGS");
    result.path = lookup(env, "CNI_PATH");
    if (result.command != Command::kAdd && result.command != Command::kDel &&
        result.command != Command::kCheck)
        return result;

    result.container_id = lookup(env, "CNI_CONTAINERID");
    result.netns = lookup(env, "CNI_NETNS");
    result.ifname = lookup(env, "CNI_IFNAME");

    std::vector<std::string_view> missing;
    if (result.container_id.empty()) missing.push_back("CNI_CONTAINERID");
    if (result.netns.empty() && result.command != Command::kDel) missing.push_back("CNI_NETNS");
    if (result.ifname.empty()) missing.push_back("CNI_IFNAME");
    if (!missing.empty()) {
        std::string msg = "required environment variables missing: ";
        for (std::size_t i = 0; i < missing.size(); ++i)
            msg.append(i == 0 ? "" : ", ").append(missing[i]);
        throw CniError(kInvalidEnvironment, msg);
    }

    if (!is_valid_container_id(result.container_id))
        throw CniError(kInvalidEnvironment, "invalid CNI_CONTAINERID " +
                                                quote(result.container_id) + ": " +
                                                std::string(kContainerIdRule));
    if (!is_valid_ifname(result.ifname))
        throw CniError(kInvalidEnvironment, "invalid CNI_IFNAME " + quote(result.ifname) + ": " +
                                                std::string(kIfnameRule));
    // The spec sets no limit, but a new attachment must fit the store's file name.
    const std::size_t index_name = result.container_id.size() + 1 + result.ifname.size();
    if (result.command == Command::kAdd && index_name > NAME_MAX)
        throw CniError(kInvalidEnvironment,
                       "CNI_CONTAINERID is too long: \"<CNI_CONTAINERID>@<CNI_IFNAME>\" is " +
                           std::to_string(index_name) + " bytes, more than a file name's " +
                           std::to_string(NAME_MAX));
    return result;
}

bool is_valid_container_id(std::string_view id) {
    if (id.empty() || !is_ascii_alnum(id.front())) return false;
    for (char c : id)
        if (!is_ascii_alnum(c) && c != '_' && c != '.' && c != '-') return false;
    return true;
}

bool is_valid_ifname(std::string_view name) {
    // IFNAMSIZ is 16 including the terminating NUL; an embedded NUL would truncate the name.
    if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
    for (char c : name)
        if (c == '/' || c == ':' || c == '\0' || is_kernel_space(c)) return false;
    return true;
}

}  // namespace nsveth
