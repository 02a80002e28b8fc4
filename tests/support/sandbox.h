// Throwaway kernel state for root tests: named namespaces with unique names that are removed
// however a test ends, temporary directories, and running the nsveth binary (or any command)
// with its network namespace switched first — the way a runtime executes a plugin, except that
// the plugin's "host" is a namespace the test owns, so nothing touches the real host.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "netns/netns.h"

namespace nsveth::testing {

/// A unique name with `prefix`, e.g. "nsvt-h-1234-3": pid and counter keep parallel runs apart.
std::string unique_name(const std::string& prefix);

/// A named namespace under /var/run/netns, deleted (if still present) by the destructor.
class ScopedNetns {
public:
    explicit ScopedNetns(const std::string& prefix);
    ~ScopedNetns();
    ScopedNetns(const ScopedNetns&) = delete;
    ScopedNetns& operator=(const ScopedNetns&) = delete;

    const std::string& name() const { return name_; }
    std::string path() const;
    const Netns& netns() const { return netns_; }

private:
    std::string name_;
    Netns netns_;
};

/// A unique namespace name that a test step creates (through nsveth or ip): the namespace, and
/// nsveth's record of having created it, are removed if present however the test ends.
class NameCleanup {
public:
    explicit NameCleanup(const std::string& prefix) : name_(unique_name(prefix)) {}
    ~NameCleanup();
    NameCleanup(const NameCleanup&) = delete;
    NameCleanup& operator=(const NameCleanup&) = delete;
    const std::string& name() const { return name_; }

private:
    std::string name_;
};

/// A fresh directory under /tmp, removed recursively by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct ProcessResult {
    int status = -1;  // exit status, or 128 + signal
    std::string out;
    std::string err;
};

/// Runs `argv` inside the network namespace at `netns_path` (no switch when empty) with exactly
/// `env` as its environment and `input` on stdin, and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env,
                          const std::string& input, const std::string& netns_path = {});

/// Starts the same without waiting; `finish` collects it. For parallel runs.
struct RunningProcess {
    int pid = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
};
RunningProcess start_process(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             const std::string& input, const std::string& netns_path = {});
ProcessResult finish(RunningProcess process);

/// Runs a shell command line inside the namespace at `netns_path` with the usual PATH.
ProcessResult shell_in(const std::string& netns_path, const std::string& command);

}  // namespace nsveth::testing
