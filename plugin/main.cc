// nsveth's main(): with CNI_COMMAND set, a CNI plugin (environment + stdin in, one JSON document
// out); without it, the command-line tool.
#include <cstdlib>

#include "plugin/cli.h"
#include "plugin/process_io.h"

int main(int argc, char** argv) {
    const char* command = std::getenv("CNI_COMMAND");
    if (!command || !*command) return nsveth::run_cli(argc, argv);
    // A runtime passes its whole environment; the plugin reads only the CNI variables, and a
    // delegated plugin gets the process environment (exec_delegate).
    return nsveth::run_plugin_process(nsveth::kNsvethCommands, nsveth::read_environment("CNI_"));
}
