// The manual-setup dispatcher (help requests, the command table, the one place where errors
// become lines on stderr) and the option handling its commands share.
#include "plugin/cli_setup.h"

#include <algorithm>
#include <array>
#include <exception>

#include "common/error.h"
#include "netns/named_netns.h"
#include "plugin/cli_setup_commands.h"
#include "plugin/cli_setup_help.h"
#include "plugin/environment.h"
#include "plugin/json_depth.h"
#include "plugin/process_io.h"
#include "plugin/result_cache.h"

namespace nsveth {

namespace setup {

namespace {

bool is_container_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/// NAME for /var/run/netns/NAME or /run/netns/NAME; `netns` itself otherwise.
std::string named_netns_of(const std::string& netns) {
    for (const char* dir : {"/var/run/netns/", "/run/netns/"})
        if (netns.rfind(dir, 0) == 0 &&
            netns.find('/', std::string_view(dir).size()) == std::string::npos &&
            is_valid_netns_name(netns.substr(std::string_view(dir).size())))
            return netns.substr(std::string_view(dir).size());
    return netns;
}

}  // namespace

cxxopts::ParseResult parse_options(cxxopts::Options& options, Args args) {
    std::vector<const char*> argv{"nsveth"};
    for (const auto& arg : args) argv.push_back(arg.c_str());
    try {
        auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
        if (!parsed.unmatched().empty())
            throw UsageError("unexpected argument \"" + parsed.unmatched().front() + "\"");
        return parsed;
    } catch (const cxxopts::exceptions::exception& error) {
        throw UsageError(error.what());
    }
}

void add_attachment_options(cxxopts::Options& options) {
    options.add_options()("config", "", cxxopts::value<std::string>())(
        "netns", "", cxxopts::value<std::string>())(
        "ifname", "", cxxopts::value<std::string>()->default_value("eth0"))(
        "container-id", "", cxxopts::value<std::string>())(
        "args", "", cxxopts::value<std::string>())("cap-args", "", cxxopts::value<std::string>())(
        "cni-path", "", cxxopts::value<std::string>())("cache-dir", "",
                                                       cxxopts::value<std::string>())("human", "");
}

std::string option(const cxxopts::ParseResult& parsed, const std::string& name) {
    try {
        return parsed[name].as<std::string>();  // given, or its default
    } catch (const cxxopts::exceptions::exception&) {
        return {};  // neither
    }
}

NetworkList require_network_list(const cxxopts::ParseResult& parsed) {
    const std::string path = option(parsed, "config");
    if (path.empty()) throw UsageError("missing --config FILE");
    try {
        return load_network_list(path);
    } catch (const std::exception& error) {
        throw UsageError(error.what(), /*show_usage=*/false);
    }
}

std::string default_container_id(const std::string& netns) {
    const std::string base = named_netns_of(netns);
    std::string id = "nsveth-";
    for (char c : base) {
        const char mapped = is_container_id_char(c) ? c : '-';
        if (mapped == '-' && id.back() == '-') continue;
        id += mapped;
    }
    while (id.back() == '-') id.pop_back();
    return id;
}

AttachmentOptions require_attachment(const cxxopts::ParseResult& parsed) {
    AttachmentOptions result;
    AttachmentParams& params = result.params;
    params.netns = option(parsed, "netns");
    if (params.netns.empty()) throw UsageError("missing --netns NAME|PATH");
    if (params.netns.find('/') != std::string::npos) {
        if (params.netns.front() != '/')
            throw UsageError("--netns \"" + params.netns + "\": a path must be absolute");
    } else if (!is_valid_netns_name(params.netns)) {
        throw UsageError("invalid netns name \"" + params.netns + "\"");
    }
    // One attachment, however it is named: a namespace that add creates goes with del either way.
    params.netns = named_netns_of(params.netns);
    params.ifname = option(parsed, "ifname");
    if (!is_valid_ifname(params.ifname))
        throw UsageError("invalid --ifname \"" + params.ifname +
                         "\": must be 1 to 15 bytes, not \".\" or \"..\", without '/', ':' or "
                         "whitespace");
    params.container_id = parsed.count("container-id") ? option(parsed, "container-id")
                                                       : default_container_id(params.netns);
    if (!is_valid_container_id(params.container_id))
        throw UsageError("invalid --container-id \"" + params.container_id +
                         "\": must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$");
    result.given_args = parsed.count("args") > 0;
    try {
        params.cni_args = split_cni_args(option(parsed, "args"));
    } catch (const CniError& error) {
        throw UsageError(std::string("--args: ") + error.what());
    }
    result.given_cap_args = parsed.count("cap-args") > 0;
    if (result.given_cap_args) {
        const std::string text = option(parsed, "cap-args");
        if (!nests_too_deep(text))
            params.capability_args = nlohmann::json::parse(text, nullptr, false);
        if (!params.capability_args.is_object())
            throw UsageError("--cap-args must be a JSON object, not \"" + text + "\"");
    }
    return result;
}

ChainContext chain_context(const cxxopts::ParseResult& parsed, FdWriter& log) {
    Environment env = read_environment();
    std::string path = parsed.count("cni-path") ? option(parsed, "cni-path") : std::string();
    if (path.empty()) {
        auto it = env.find("CNI_PATH");
        path = it != env.end() && !it->second.empty() ? it->second : kDefaultCniPath;
    }
    return ChainContext{std::move(env), std::move(path), log};
}

std::string cache_dir_option(const cxxopts::ParseResult& parsed) {
    return cache_dir(read_environment(), option(parsed, "cache-dir"));
}

void print_table(FdWriter& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        out << line << '\n';
    }
}

std::vector<std::string> result_addresses(const nlohmann::json& result) {
    std::vector<std::string> addresses;
    if (!result.is_object() || !result.contains("ips") || !result["ips"].is_array())
        return addresses;
    for (const auto& ip : result["ips"])
        if (ip.is_object() && ip.contains("address") && ip["address"].is_string())
            addresses.push_back(ip["address"].get<std::string>());
    return addresses;
}

std::vector<std::string> result_host_interfaces(const nlohmann::json& result) {
    std::vector<std::string> names;
    if (!result.is_object() || !result.contains("interfaces") || !result["interfaces"].is_array())
        return names;
    for (const auto& interface : result["interfaces"]) {
        if (!interface.is_object() || !interface.contains("name") || !interface["name"].is_string())
            continue;
        // Host side: no sandbox (absent, null or ""); a sandbox of another type is not "".
        const auto sandbox = interface.find("sandbox");
        if (sandbox == interface.end() || sandbox->is_null() ||
            (sandbox->is_string() && sandbox->get_ref<const std::string&>().empty()))
            names.push_back(interface["name"].get<std::string>());
    }
    return names;
}

std::string join_or_dash(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
    return text.empty() ? "-" : text;
}

}  // namespace setup

namespace {

using Handler = int (*)(setup::Args, setup::Io&);

struct SetupCommand {
    std::string_view name;
    Handler run;
};

constexpr std::array<SetupCommand, 6> kCommands{{
    {"add", setup::add},
    {"check", setup::check},
    {"del", setup::del},
    {"show", setup::show},
    {"status", setup::status},
    {"gc", setup::gc},
}};

const SetupCommand* find_command(std::string_view name) {
    for (const auto& command : kCommands)
        if (command.name == name) return &command;
    return nullptr;
}

}  // namespace

bool is_setup_command(std::string_view command) { return find_command(command) != nullptr; }

int run_setup_cli(std::string_view command, const std::vector<std::string>& args, FdWriter& out,
                  FdWriter& err) {
    const SetupCommand* entry = find_command(command);
    const std::string prefix = "nsveth " + std::string(command) + ": ";
    if (!entry) {
        err << "nsveth: unknown command \"" << command << "\" (try nsveth --help)\n";
        return setup::kExitUsage;
    }
    if (std::any_of(args.begin(), args.end(),
                    [](const std::string& arg) { return arg == "--help" || arg == "-h"; })) {
        out << setup_command_help(command).value_or("");
        return 0;
    }
    setup::Io io{out, err};
    try {
        return entry->run(setup::Args(args), io);
    } catch (const setup::UsageError& error) {
        out.flush();
        err << prefix << error.what();
        if (error.show_usage())
            err << " (usage: " << setup_synopsis(command).value_or(command) << ")";
        err << '\n';
        return setup::kExitUsage;
    } catch (const std::exception& error) {
        out.flush();
        err << prefix << error.what() << '\n';
        return setup::kExitFailure;
    }
}

}  // namespace nsveth
