// nsveth's main(): with CNI_COMMAND set, a CNI plugin (environment + stdin in, one JSON document
// out); without it, the command-line tool.
#include "plugin/cli.h"
#include "plugin/process_io.h"

int main(int argc, char** argv) {
    const nsveth::Environment env = nsveth::read_environment();
    auto command = env.find("CNI_COMMAND");
    if (command == env.end() || command->second.empty()) return nsveth::run_cli(argc, argv);
    return nsveth::run_plugin_process(nsveth::kNsvethCommands, env);
}
