// The help texts of `nsveth netns …`: an overview of every command and, per command, what it does
// with examples.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nsveth {

/// The one-line usage of `command` ("nsveth netns add NAME"), nullopt for an unknown command.
std::optional<std::string_view> netns_synopsis(std::string_view command);

/// Usage of every netns command, for `nsveth netns help` and `nsveth --help`.
std::string netns_overview();

/// Usage, description and examples of `command`, nullopt for an unknown command.
std::optional<std::string> netns_command_help(std::string_view command);

}  // namespace nsveth
