// The single entry point both binaries share: dispatch one CNI invocation to a command table and
// write its one JSON document. nsveth and nsveth-ipam differ only in their tables.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "plugin/invocation.h"
#include "plugin/result.h"

namespace nsveth {

struct PluginCommands {
    Result (*add)(const Invocation&);
    void (*del)(const Invocation&);
    void (*check)(const Invocation&);
    void (*status)(const Invocation&);
    void (*gc)(const Invocation&);
};

/// nsveth: veth attachment with IPAM in-process or delegated.
extern const PluginCommands kNsvethCommands;
/// nsveth-ipam: the IPAM alone, as a CNI IPAM plugin for other main plugins.
extern const PluginCommands kIpamCommands;

/// The most stdin a plugin reads: network configurations are a few KiB, and a parsed document
/// takes about four times its text in memory.
inline constexpr std::size_t kMaxInputBytes = 16 << 20;

/// Runs the command named by CNI_COMMAND in `env` with `input` as stdin (code 6 when it holds
/// more than kMaxInputBytes). Appends exactly one JSON
/// document (ADD result, VERSION answer, or error) to `out`, or nothing (success of the others).
/// Enforces the version gates: CHECK needs cniVersion >= 0.4.0, STATUS and GC >= 1.1.0.
/// Returns the process exit status. The only place that catches nsveth's exceptions.
int run(const PluginCommands& commands, const Environment& env, std::string_view input,
        std::string& out);

}  // namespace nsveth
