// The help-table machinery shared by `nsveth netns …` and the manual-setup commands: each keeps
// its own table of commands, and both look a command up and print its help the same way here.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace nsveth {

/// One command's help: its usage line, what it does, its options (empty for none) and examples.
struct CommandHelp {
    std::string_view name;
    std::string_view synopsis;
    std::string_view description;
    std::string_view options;
    std::string_view examples;
};

/// The entry of `commands` named `name`, nullptr when there is none; points into `commands`.
const CommandHelp* find_command(std::span<const CommandHelp> commands, std::string_view name);

/// Every synopsis of `commands` in table order, each between `before` and `after`.
std::string list_synopses(std::span<const CommandHelp> commands, std::string_view before,
                          std::string_view after);

/// Usage, description, options (when there are any) and examples of `help`.
std::string format_command_help(const CommandHelp& help);

}  // namespace nsveth
