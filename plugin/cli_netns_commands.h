// Internal to the `nsveth netns` front end: what the dispatcher (cli_netns.cc) and the command
// handlers (cli_netns_names.cc, cli_netns_ids.cc) share. Handlers get the words after the command
// name, already checked for a valid NAME where one is expected, and may throw SystemError or
// CniError, which the dispatcher prints as one line.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "plugin/fd_writer.h"

namespace nsveth::cli {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Io {
    FdWriter& out;
    FdWriter& err;
};

using Args = std::span<const std::string>;

/// Prints `message` as one line on stderr and returns kExitUsage.
int usage_error(Io& io, const std::string& message);
/// Refuses words beyond the `expected` ones: `Unexpected argument "X" (usage: SYNOPSIS)`.
/// Returns kExitUsage, or nullopt when there are none.
std::optional<int> refuse_extra(Io& io, std::string_view command, Args args, std::size_t expected);
/// A decimal number >= 0 (no sign, no spaces, fits in int), else nullopt.
std::optional<int> parse_count(std::string_view text);

// Name and process commands (cli_netns_names.cc).
int add(Args args, Io& io);
int attach(Args args, Io& io);
int remove(Args args, Io& io);      // delete NAME
int remove_all(Args args, Io& io);  // -all delete
int identify(Args args, Io& io);
int pids(Args args, Io& io);
int exec(Args args, Io& io);
int exec_all(Args args, Io& io);  // -all exec CMD...
int monitor(Args args, Io& io);

// Commands that show or set nsids (cli_netns_ids.cc).
int list(Args args, Io& io);
int set(Args args, Io& io);
int list_id(Args args, Io& io);

}  // namespace nsveth::cli
