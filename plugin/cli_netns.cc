// The `nsveth netns` dispatcher: "-all", help requests, the command table, the NAME check every
// naming command shares, and the one place where errors become a line on stderr.
#include "plugin/cli_netns.h"

#include <array>
#include <charconv>
#include <exception>

#include "netns/named_netns.h"
#include "plugin/cli_netns_commands.h"
#include "plugin/cli_netns_help.h"

namespace nsveth {

namespace cli {

int usage_error(Io& io, const std::string& message) {
    io.err << message << '\n';
    return kExitUsage;
}

std::optional<int> refuse_extra(Io& io, std::string_view command, Args args, std::size_t expected) {
    if (args.size() <= expected) return std::nullopt;
    return usage_error(io, "Unexpected argument \"" + args[expected] + "\" (usage: " +
                               std::string(netns_synopsis(command).value_or(command)) + ")");
}

std::optional<int> parse_count(std::string_view text) {
    int value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end || value < 0) return std::nullopt;
    return value;
}

}  // namespace cli

namespace {

using Handler = int (*)(cli::Args, cli::Io&);

struct Command {
    std::string_view name;
    Handler run;
    Handler run_all;  // the -all form, nullptr when there is none
    bool takes_name;  // the first word is a NAME to validate
};

constexpr std::array<Command, 12> kCommands{{
    {"list", cli::list, nullptr, false},
    {"show", cli::list, nullptr, false},
    {"add", cli::add, nullptr, true},
    {"attach", cli::attach, nullptr, true},
    {"set", cli::set, nullptr, true},
    {"delete", cli::remove, cli::remove_all, true},
    {"del", cli::remove, cli::remove_all, true},
    {"identify", cli::identify, nullptr, false},
    {"pids", cli::pids, nullptr, true},
    {"exec", cli::exec, cli::exec_all, true},
    {"monitor", cli::monitor, nullptr, false},
    {"list-id", cli::list_id, nullptr, false},
}};

const Command* find_command(std::string_view name) {
    for (const auto& command : kCommands)
        if (command.name == name) return &command;
    return nullptr;
}

std::string_view canonical(std::string_view name) {
    if (name == "show") return "list";
    if (name == "del") return "delete";
    return name;
}

bool is_help_option(std::string_view word) { return word == "--help" || word == "-h"; }

int help(cli::Args topics, cli::Io& io) {
    if (topics.empty()) {
        io.out << netns_overview();
        return 0;
    }
    if (topics.size() > 1)
        return cli::usage_error(
            io, "Unexpected argument \"" + topics[1] + "\" (usage: nsveth netns help [COMMAND])");
    auto text = netns_command_help(canonical(topics[0]));
    if (!text)
        return cli::usage_error(
            io, "No help for unknown command \"" + topics[0] + "\", try \"nsveth netns help\".");
    io.out << *text;
    return 0;
}

}  // namespace

int run_netns_cli(const std::vector<std::string>& args, FdWriter& out, FdWriter& err) {
    cli::Io io{out, err};
    cli::Args words(args);
    const bool all = !words.empty() && (words[0] == "-all" || words[0] == "--all");
    if (all) words = words.subspan(1);
    if (all && words.empty()) return cli::usage_error(io, "-all needs a command: delete or exec");
    // Like `ip netns`: no command lists.
    const std::string_view name = words.empty() ? "list" : std::string_view(words[0]);
    const cli::Args rest = words.empty() ? cli::Args() : words.subspan(1);
    if (name == "help" || is_help_option(name)) return help(rest, io);

    const Command* command = find_command(name);
    if (!command)
        return cli::usage_error(
            io, "Command \"" + std::string(name) + "\" is unknown, try \"nsveth netns help\".");
    if (!rest.empty() && is_help_option(rest[0])) return help(cli::Args(&words[0], 1), io);
    if (all && !command->run_all)
        return cli::usage_error(
            io, "-all works only with delete and exec, not with " + std::string(name));
    if (!all && command->takes_name && !rest.empty() && !is_valid_netns_name(rest[0]))
        return cli::usage_error(io, "Invalid netns name \"" + rest[0] + "\"");
    try {
        return (all ? command->run_all : command->run)(rest, io);
    } catch (const std::exception& error) {
        out.flush();
        err << error.what() << '\n';
        return cli::kExitFailure;
    }
}

}  // namespace nsveth
