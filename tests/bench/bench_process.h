// Executing a plugin the way a runtime does (a fresh process, the CNI environment, the network
// configuration on stdin, stdout and stderr captured) inside a chosen network namespace, and
// measuring what that process cost. The forks happen in cni_spawn, a small static helper
// process (see cni_spawn.cc for why); this side feeds and drains the pipes.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace nsveth::bench {

/// One execution: argv[0] is the executable's path, `env` the whole environment ("KEY=VALUE"),
/// `input` what the child reads on stdin (less than a pipe buffer, 64 KiB).
struct Command {
    std::vector<std::string> argv;
    std::vector<std::string> env;
    std::string input;
};

/// What one child cost. `wall_ms`: CLOCK_MONOTONIC from just before fork() to wait4()'s return;
/// `cpu_ms`: ru_utime + ru_stime; `max_rss_kib`: ru_maxrss. wait4() reports the child together
/// with the descendants it waited for (the IPAM plugin ptp executes), so CPU time covers the
/// whole process tree and the RSS is the largest process in it.
struct Run {
    int status = -1;  // exit status, 128 + signal number, or -1 when fork failed
    double wall_ms = 0;
    double cpu_ms = 0;
    long max_rss_kib = 0;
    std::string out;
    std::string err;

    bool ok() const { return status == 0; }
    /// "exit 1: <stderr or stdout>", for error messages.
    std::string describe() const;
};

/// Many children started at once: each is forked, has joined the namespace and has its stdin
/// filled, then waits at a shared gate just before exec. `wall_ms` runs from the gate opening to
/// the return of the last wait4(); each run's wall_ms from the gate opening to its own wait4().
struct Burst {
    double wall_ms = 0;
    std::vector<Run> runs;  // in the order of the commands
};

/// The connection to one cni_spawn process.
class Spawner {
  public:
    /// Starts `cni_spawn` (a path). Throws std::system_error.
    explicit Spawner(const std::string& cni_spawn);
    ~Spawner() { stop(); }
    Spawner(const Spawner&) = delete;
    Spawner& operator=(const Spawner&) = delete;

    /// Runs `command` in the network namespace `netns_fd` and waits for it. Throws
    /// std::system_error when a pipe or the helper fails.
    Run run_in(int netns_fd, const Command& command);
    /// Starts every command in `netns_fd` at once and waits for all of them. Throws likewise.
    Burst run_burst(int netns_fd, const std::vector<Command>& commands);

    /// Stops it (closing the socket ends it) and reaps it; nothing when already stopped.
    void stop();
    pid_t pid() const { return pid_; }

  private:
    int socket_ = -1;
    pid_t pid_ = -1;
};

}  // namespace nsveth::bench
