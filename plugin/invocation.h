// Everything one plugin execution received, parsed once: the CNI variables of the environment and
// stdin as they came (a delegated plugin gets stdin verbatim, and the process environment), the
// parsed CNI variables and the network configuration.
#pragma once

#include <string_view>

#include "plugin/environment.h"
#include "plugin/net_config.h"

namespace nsveth {

struct Invocation {
    const Environment& env;
    std::string_view input;
    CniEnv cni;
    NetConfig config;
};

}  // namespace nsveth
