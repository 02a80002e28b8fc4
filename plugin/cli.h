// nsveth without CNI_COMMAND: a command-line tool — help, version and the `netns` commands.
#pragma once

namespace nsveth {

/// Dispatches `nsveth --help | help | --version | version | netns ...` and returns the exit
/// status (2 for usage errors). Listings go to stdout, messages to stderr.
int run_cli(int argc, char** argv);

}  // namespace nsveth
