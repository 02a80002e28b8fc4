// What the bench needs to know about, and ask of, the machine it runs on.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

namespace nsveth::bench {

/// "AMD EPYC, 2 CPUs, 23.5 GiB RAM; kernel Linux 6.1.0 x86_64 (#1 SMP ...)".
std::string machine_description();

/// Waits (at most 30 s) until no kernel worker is destroying network namespaces: namespaces
/// closed by one phase are destroyed afterwards, and that work must not be timed along with the
/// next phase. Calls `check` (which may throw to stop) between polls; false on timeout.
bool wait_for_netns_cleanup(const std::function<void()>& check);

/// Busy and total CPU time of the whole machine since boot (/proc/stat), in seconds.
struct MachineCpu {
    double busy_s = 0;
    double total_s = 0;
};
MachineCpu machine_cpu();

/// CPU seconds used by this process and by the children it has reaped.
double own_cpu_s();

/// Gives `pid`, and so every process it forks (policies survive fork and exec), the scheduling
/// asked for: "rr" (SCHED_RR, priority 1, and pinned to one CPU; nice -20 if refused), "nice"
/// (-20) or "normal".
/// Returns what it got, for the report; `warn` hears about refusals.
std::string apply_scheduling(const std::string& asked, pid_t pid,
                             const std::function<void(const std::string&)>& warn);

}  // namespace nsveth::bench
