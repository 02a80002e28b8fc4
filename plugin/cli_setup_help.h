// The help texts of the manual-setup commands (`nsveth add|check|del|show|status|gc|version`): an
// overview of all of them and, per command, its options with examples.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nsveth {

/// The usage line of `command` ("nsveth add --config FILE --netns NAME|PATH [...]"), nullopt
/// for a command that is not one of them.
std::optional<std::string_view> setup_synopsis(std::string_view command);

/// One usage line per command, for `nsveth --help`.
std::string setup_overview();

/// Usage, description, options and examples of `command`, nullopt for an unknown command.
std::optional<std::string> setup_command_help(std::string_view command);

}  // namespace nsveth
