// A plugin process's input and output: its environment and all of stdin in, the one document out.
#pragma once

#include <string>

#include <string_view>

#include "plugin/environment.h"
#include "plugin/run.h"

namespace nsveth {

/// The process environment (environ) as a map; with a prefix, only the variables whose names
/// start with it.
Environment read_environment(std::string_view prefix = {});

/// All of stdin; empty when stdin is closed or a terminal (VERSION needs none).
std::string read_stdin();

/// Writes all of `text` to stdout with write(2). False when stdout is gone.
bool write_stdout(std::string_view text);

/// Runs one CNI invocation of `commands` as a plugin process: environment and stdin in, the
/// document on stdout. Returns the exit status.
int run_plugin_process(const PluginCommands& commands, const Environment& env);

}  // namespace nsveth
