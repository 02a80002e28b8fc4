// nsveth without CNI_COMMAND: a command-line tool (help and version for now).
#pragma once

namespace nsveth {

/// Parses argv with cxxopts and runs the requested subcommand. Returns the exit status.
int run_cli(int argc, char** argv);

}  // namespace nsveth
