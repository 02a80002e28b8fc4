// The datagrams between cni_bench and cni_spawn (one machine, one build: plain structs).
#pragma once

#include <cstddef>
#include <cstdint>

namespace nsveth::bench::spawn {

enum Type : std::uint32_t { kRun = 1, kStage = 2, kGo = 3 };

/// Followed by argc + envc NUL-terminated strings (argv[0] is the executable's path). RUN and
/// STAGE carry four descriptors: the network namespace, stdin, stdout, stderr.
struct RequestHeader {
    std::uint32_t type;
    std::uint32_t argc;
    std::uint32_t envc;
    std::uint32_t reserved;
};

/// One child: `status` is the exit status, 128 + signal, or -1 when fork failed (`error`).
/// `wall_ms` runs from fork() (RUN) or from the gate opening (GO) to wait4()'s return.
struct Result {
    std::int32_t status;
    std::int32_t error;
    double wall_ms;
    double cpu_ms;
    std::int64_t max_rss_kib;
};

/// Followed by `count` results: RUN replies one, GO one per staged child in staging order.
/// `wall_ms`: RUN, that child's; GO, from the gate opening to the last wait4().
struct ReplyHeader {
    std::uint32_t count;
    std::uint32_t reserved;
    double wall_ms;
};

inline constexpr int kMaxStaged = 1024;
inline constexpr std::uint32_t kMaxStrings = 256;
inline constexpr std::size_t kMaxRequest = 256 * 1024;

}  // namespace nsveth::bench::spawn
