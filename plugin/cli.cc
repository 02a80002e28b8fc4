// The command-line front end: picks the subcommand and hands the rest of the words to it. The
// `netns` words go to run_netns_cli untouched (exec's CMD may carry options of its own); only the
// top-level options are parsed with cxxopts. Messages go to stderr; help and version to stdout.
#include "plugin/cli.h"

#include <cxxopts.hpp>
#include <iostream>
#include <string_view>
#include <vector>

#include "plugin/cli_netns.h"
#include "plugin/cli_netns_help.h"
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
           "  help               this help\n"
           "  version            print the version\n"
           "  netns COMMAND ...  named network namespaces, interoperable with `ip netns`\n\n" +
           netns_overview() +
           "\nExamples:\n"
           "  nsveth version\n"
           "  nsveth netns add blue && nsveth netns exec blue ip link\n";
}

int print_version() {
    std::cout << "nsveth " << NSVETH_VERSION << '\n';
    return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
    if (argc >= 2) {
        const std::string_view command(argv[1]);
        if (command == "netns")
            return run_netns_cli(std::vector<std::string>(argv + 2, argv + argc), std::cout,
                                 std::cerr);
        if ((command == "version" || command == "help") && argc > 2) {
            std::cerr << "nsveth: unexpected argument \"" << argv[2] << "\" after " << command
                      << '\n';
            return kExitUsage;
        }
        if (command == "version") return print_version();
        if (command == "help") {
            std::cout << help_text();
            return 0;
        }
    }
    try {
        auto parsed = top_level_options().parse(argc, argv);
        if (parsed.count("version")) return print_version();
        if (parsed.count("help")) {
            std::cout << help_text();
            return 0;
        }
        if (!parsed.unmatched().empty()) {
            std::cerr << "nsveth: unknown command \"" << parsed.unmatched().front()
                      << "\" (try nsveth --help)\n";
            return kExitUsage;
        }
    } catch (const cxxopts::exceptions::exception& error) {
        std::cerr << "nsveth: " << error.what() << " (try nsveth --help)\n";
        return kExitUsage;
    }
    std::cerr << help_text();
    return kExitUsage;
}

}  // namespace nsveth
