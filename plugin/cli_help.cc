// Both help tables print through these functions, so a command's help looks the same whichever
// group it belongs to.
#include "plugin/cli_help.h"

namespace nsveth {

const CommandHelp* find_command(std::span<const CommandHelp> commands, std::string_view name) {
    for (const auto& command : commands)
        if (command.name == name) return &command;
    return nullptr;
}

std::string list_synopses(std::span<const CommandHelp> commands, std::string_view before,
                          std::string_view after) {
    std::string text;
    for (const auto& command : commands) {
        text += before;
        text += command.synopsis;
        text += after;
    }
    return text;
}

std::string format_command_help(const CommandHelp& help) {
    std::string text =
        "Usage: " + std::string(help.synopsis) + "\n\n" + std::string(help.description) + "\n";
    if (!help.options.empty()) text += "\nOptions:\n" + std::string(help.options);
    return text + "\nExamples:\n" + std::string(help.examples);
}

}  // namespace nsveth
