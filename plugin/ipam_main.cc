// nsveth-ipam's main(): the built-in IPAM as a standalone CNI IPAM plugin.
#include "plugin/process_io.h"

int main() {
    return nsveth::run_plugin_process(nsveth::kIpamCommands, nsveth::read_environment("CNI_"));
}
