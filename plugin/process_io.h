// What a plugin process reads before dispatch: its environment and all of stdin.
#pragma once

#include <string>

#include "plugin/environment.h"

namespace nsveth {

/// The process environment (environ) as a map.
Environment read_environment();

/// All of stdin; empty when stdin is closed or a terminal (VERSION needs none).
std::string read_stdin();

}  // namespace nsveth
