// nsveth-ipam's main(): the built-in IPAM as a standalone CNI IPAM plugin.
#include <iostream>

#include "plugin/process_io.h"
#include "plugin/run.h"

int main() {
    return nsveth::run(nsveth::kIpamCommands, nsveth::read_environment(), nsveth::read_stdin(),
                       std::cout);
}
