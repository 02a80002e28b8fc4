// /proc readers, the namespace clean-up wait and scheduling policies.
#include "tests/bench/bench_system.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace nsveth::bench {

namespace {

/// The value after "key:" on the first line of `file` that starts with `key`.
std::string read_first(const std::string& file, const std::string& key) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) {
            const auto colon = line.find(':');
            const auto start = line.find_first_not_of(" \t", colon + 1);
            return colon == std::string::npos || start == std::string::npos ? ""
                                                                            : line.substr(start);
        }
    return "unknown";
}

/// The highest-numbered CPU this process may run on, or -1.
int last_allowed_cpu() {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) < 0) return -1;
    for (int cpu = CPU_SETSIZE - 1; cpu >= 0; --cpu)
        if (CPU_ISSET(cpu, &allowed)) return cpu;
    return -1;
}

/// Whether a kernel worker is destroying network namespaces right now: a worker's name shows
/// the workqueue of the work item it is running after '+' ("kworker/u8:2+netns").
bool netns_cleanup_running() {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
        std::ifstream comm(entry.path() / "comm");
        std::string text;
        if (std::getline(comm, text) && text.rfind("kworker", 0) == 0 &&
            text.find("+netns") != std::string::npos)
            return true;
    }
    return false;
}

double seconds(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

std::string machine_description() {
    utsname uts{};
    uname(&uts);
    std::istringstream memory(read_first("/proc/meminfo", "MemTotal"));  // "24684100 kB"
    double kib = 0;
    memory >> kib;
    char text[512];
    std::snprintf(text, sizeof text, "%s, %ld CPUs, %.1f GiB RAM; kernel %s %s %s (%s)",
                  read_first("/proc/cpuinfo", "model name").c_str(), sysconf(_SC_NPROCESSORS_ONLN),
                  kib / (1024 * 1024), uts.sysname, uts.release, uts.machine, uts.version);
    return text;
}

bool wait_for_netns_cleanup(const std::function<void()>& check) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int quiet = 0;  // consecutive polls without a clean-up running
    while (quiet < 3) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        check();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        quiet = netns_cleanup_running() ? 0 : quiet + 1;
    }
    return true;
}

MachineCpu machine_cpu() {
    std::ifstream stat("/proc/stat");
    std::string cpu;
    stat >> cpu;  // "cpu": the sum over all CPUs
    unsigned long long value, total = 0, idle = 0;
    for (int field = 0; field < 8 && stat >> value; ++field) {  // up to steal; guest is in user
        total += value;
        if (field == 3 || field == 4) idle += value;  // idle, iowait
    }
    const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
    return {static_cast<double>(total - idle) * tick, static_cast<double>(total) * tick};
}

double own_cpu_s() {
    rusage self{}, children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) +
           seconds(children.ru_stime);
}

std::string apply_scheduling(const std::string& asked, pid_t pid,
                             const std::function<void(const std::string&)>& warn) {
    if (asked == "rr") {
        sched_param param{};
        param.sched_priority = 1;
        if (sched_setscheduler(pid, SCHED_RR, &param) == 0) {
            // A real-time child cannot preempt its real-time parent, which is still running
            // when fork() returns, so the scheduler starts every child on another CPU: a
            // cross-CPU wake-up and cold caches in every figure (about 40 us a call here),
            // which a plugin forked by a runtime under the default policy does not pay. On one
            // CPU the child runs where the helper waits for it. Staged children (the storm)
            // take back every CPU before they are released (cni_spawn.cc).
            const int cpu = last_allowed_cpu();
            cpu_set_t one;
            CPU_ZERO(&one);
            if (cpu >= 0) CPU_SET(cpu, &one);
            if (cpu >= 0 && sched_setaffinity(pid, sizeof one, &one) == 0)
                return "SCHED_RR, priority 1, on CPU " + std::to_string(cpu) +
                       " (--scheduling rr): a child that can run does not wait for other "
                       "processes, and starts on the CPU where the helper waits for it";
            warn(std::string("pinning the helper to one CPU refused (") + std::strerror(errno) +
                 ")");
            return "SCHED_RR, priority 1 (--scheduling rr): a child that can run does not wait "
                   "for other processes";
        }
        warn(std::string("SCHED_RR refused (") + std::strerror(errno) + "); using nice -20");
    }
    if (asked == "rr" || asked == "nice") {
        if (setpriority(PRIO_PROCESS, static_cast<id_t>(pid), -20) == 0)
            return "nice -20 (--scheduling nice)";
        warn(std::string("nice -20 refused (") + std::strerror(errno) + ")");
    }
    return "the default policy (--scheduling normal)";
}

}  // namespace nsveth::bench
