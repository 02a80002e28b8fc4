// The command-line front end. Messages go to stderr; --version prints to stdout.
#include "plugin/cli.h"

#include <cxxopts.hpp>
#include <iostream>

#include "plugin/version.h"

namespace nsveth {

namespace {

std::string supported_versions() {
    std::string list;
    for (auto version : kSupportedVersions) list += (list.empty() ? "" : ", ") + std::string(version);
    return list;
}

}  // namespace

int run_cli(int argc, char** argv) {
    cxxopts::Options options("nsveth", "nsveth: a veth CNI plugin (ptp layout, built-in IPAM).\n"
                                        "As a CNI plugin it is run by a container runtime with "
                                        "CNI_COMMAND and the other CNI_* variables set.\n"
                                        "CNI protocol versions supported: " +
                                            supported_versions());
    options.add_options()("h,help", "show this help")("version", "print the version");
    try {
        auto parsed = options.parse(argc, argv);
        if (parsed.count("version")) {
            std::cout << "nsveth " << NSVETH_VERSION << '\n';
            return 0;
        }
        if (parsed.count("help")) {
            std::cout << options.help() << '\n';
            return 0;
        }
        if (!parsed.unmatched().empty()) {
            std::cerr << "nsveth: unknown command \"" << parsed.unmatched().front()
                      << "\" (try nsveth --help)\n";
            return 2;
        }
    } catch (const cxxopts::exceptions::exception& error) {
        std::cerr << "nsveth: " << error.what() << " (try nsveth --help)\n";
        return 2;
    }
    std::cerr << options.help() << '\n';
    return 2;
}

}  // namespace nsveth
