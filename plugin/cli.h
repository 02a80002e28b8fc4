// nsveth without CNI_COMMAND: a command-line tool — help, version, the `netns` commands and the
// manual setup from a network configuration (add, check, del, show, status, gc).
#pragma once

namespace nsveth {

/// Dispatches `nsveth --help | help [COMMAND] | --version | version | netns ... | add ... |
/// check ... | del ... | show ... | status ... | gc ...` and returns the exit status (2 for usage
/// errors). Results and listings go to stdout, messages to stderr.
int run_cli(int argc, char** argv);

}  // namespace nsveth
