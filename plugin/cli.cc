// The command-line front end: picks the subcommand and hands the rest of the words to it. The
// `netns` words go to run_netns_cli untouched (exec's CMD may carry options of its own), the
// manual-setup commands (add, check, del, show, status, gc) to run_setup_cli; only the top-level
// options are parsed here with cxxopts. Messages go to stderr; help and version to stdout.
#include "plugin/cli.h"

#include <unistd.h>

#include <cxxopts.hpp>
#include <string_view>
#include <vector>

#include "plugin/cli_netns.h"
#include "plugin/cli_netns_help.h"
#include "plugin/cli_setup.h"
#include "plugin/cli_setup_help.h"
#include "plugin/fd_writer.h"
#include "plugin/version.h"

namespace nsveth {

namespace {

constexpr int kExitUsage = 2;

std::string supported_versions() {
    std::string list;
    for (auto version : kSupportedVersions)
        list += (list.empty() ? "" : ", ") + std::string(version);
    return list;
}

cxxopts::Options top_level_options() {
    cxxopts::Options options("nsveth",
                             "nsveth: a veth CNI plugin (ptp layout, built-in IPAM).\n"
                             "As a CNI plugin it is run by a container runtime with "
                             "CNI_COMMAND and the other CNI_* variables set.\n"
                             "CNI protocol versions supported: " +
                                 supported_versions());
    options.custom_help("[--help | --version | COMMAND ...]");
    options.add_options()("h,help", "show this help")("version", "print the version");
    return options;
}

std::string help_text() {
    return top_level_options().help() +
           "\nCommands:\n"
           "  help [COMMAND]     this help, or a command's options and examples\n"
           "  netns COMMAND ...  named network namespaces, interoperable with `ip netns`\n"
           "\nAttaching a namespace by hand, from a .conf or .conflist, as a runtime would:\n" +
           setup_overview() + "\n" + netns_overview() +
           "\nExamples:\n"
           "  nsveth add --config conf/nsveth.conf --netns demo1 --human\n"
           "  nsveth check --config conf/nsveth.conf --netns demo1\n"
           "  nsveth show\n"
           "  nsveth del --config conf/nsveth.conf --netns demo1\n"
           "  nsveth netns add blue && nsveth netns exec blue ip link\n"
           "Details: nsveth help COMMAND (or nsveth COMMAND --help).\n";
}

int print_version(FdWriter& out) {
    out << "nsveth " << NSVETH_VERSION << '\n'
        << "CNI protocol versions supported: " << supported_versions() << '\n';
    return 0;
}

/// `nsveth help [COMMAND]`.
int print_help(const std::vector<std::string>& topics, FdWriter& out, FdWriter& err) {
    if (topics.empty()) {
        out << help_text();
        return 0;
    }
    if (topics.size() > 1) {
        err << "nsveth: unexpected argument \"" << topics[1]
                  << "\" (usage: nsveth help [COMMAND])\n";
        return kExitUsage;
    }
    if (topics[0] == "netns") {
        out << netns_overview();
        return 0;
    }
    if (auto text = setup_command_help(topics[0])) {
        out << *text;
        return 0;
    }
    err << "nsveth: no help for unknown command \"" << topics[0] << "\" (try nsveth --help)\n";
    return kExitUsage;
}

}  // namespace

int run_cli(int argc, char** argv) {
    FdWriter out(STDOUT_FILENO), err(STDERR_FILENO);
    if (argc >= 2) {
        const std::string_view command(argv[1]);
        if (command == "netns")
            return run_netns_cli(std::vector<std::string>(argv + 2, argv + argc), out,
                                 err);
        if (is_setup_command(command))
            return run_setup_cli(command, std::vector<std::string>(argv + 2, argv + argc),
                                 out, err);
        if (command == "help")
            return print_help(std::vector<std::string>(argv + 2, argv + argc), out, err);
        if (command == "version" && argc == 3 &&
            (std::string_view(argv[2]) == "--help" || std::string_view(argv[2]) == "-h"))
            return print_help({"version"}, out, err);
        if (command == "version" && argc > 2) {
            err << "nsveth: unexpected argument \"" << argv[2] << "\" after " << command
                      << '\n';
            return kExitUsage;
        }
        if (command == "version") return print_version(out);
    }
    try {
        auto parsed = top_level_options().parse(argc, argv);
        if (parsed.count("version")) return print_version(out);
        if (parsed.count("help")) {
            out << help_text();
            return 0;
        }
        if (!parsed.unmatched().empty()) {
            err << "nsveth: unknown command \"" << parsed.unmatched().front()
                      << "\" (try nsveth --help)\n";
            return kExitUsage;
        }
    } catch (const cxxopts::exceptions::exception& error) {
        err << "nsveth: " << error.what() << " (try nsveth --help)\n";
        return kExitUsage;
    }
    err << help_text();
    return kExitUsage;
}

}  // namespace nsveth
