// cni_spawn: the process from which cni_bench forks every plugin it measures. It exists for one
// reason: a child's ru_maxrss (wait4) includes the resident size of the forked copy of its
// parent at the moment of execve() (the kernel keeps the old mm's high-water mark). Forked from
// cni_bench, with its heap and libstdc++, every child would measure at least ~2.7 MiB whatever
// it does; forked from this small static program, the pre-exec copy is a few hundred KiB, which
// `cni_spawn --exit` measures as the method's own floor. Being one process, it is also what
// cni_bench gives its scheduling policy to (--scheduling), which every child inherits.
//
// cni_bench may also pin it to one CPU (--scheduling rr, see apply_scheduling()); children run
// there, except staged ones, which take back cni_bench's CPUs before they are released.
//
// It is started by cni_bench with a SOCK_SEQPACKET socket as fd 3, and exits when that closes.
// Requests (one datagram each; SCM_RIGHTS carries the namespace, stdin, stdout and stderr):
//   RUN    fork a child now, wait4() it, reply one result;
//   STAGE  fork a child that joins its namespace and then waits at a gate; no reply;
//   GO     open the gate, wait4() every staged child, reply all results in staging order.
// Written against libc only (no C++ library), so that a static link stays small.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "tests/bench/spawn_protocol.h"

namespace {

using namespace nsveth::bench::spawn;

constexpr int kSocket = 3;

char request[kMaxRequest];
pid_t staged_pid[kMaxStaged];
Result results[kMaxStaged];
int staged = 0;
int gate[2] = {-1, -1};
cpu_set_t bench_cpus;  // cni_bench's, which it never pins

double now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double ms_of(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e3 + static_cast<double>(tv.tv_usec) / 1e3;
}

void fill(Result& result, int status, const rusage& usage) {
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.cpu_ms = ms_of(usage.ru_utime) + ms_of(usage.ru_stime);
    result.max_rss_kib = usage.ru_maxrss;
}

/// Forks the child described by `header` and the strings after it; -1 (errno set) on failure.
/// `gate_read` >= 0: the child waits until it reaches end of file before exec.
pid_t spawn(const RequestHeader& header, const int fds[4], int gate_read) {
    static char* argv[kMaxStrings + 1];
    static char* envp[kMaxStrings + 1];
    char* cursor = request + sizeof(RequestHeader);
    for (std::uint32_t i = 0; i < header.argc; ++i, cursor += std::strlen(cursor) + 1)
        argv[i] = cursor;
    argv[header.argc] = nullptr;
    for (std::uint32_t i = 0; i < header.envc; ++i, cursor += std::strlen(cursor) + 1)
        envp[i] = cursor;
    envp[header.envc] = nullptr;

    pid_t pid = fork();
    if (pid != 0) return pid;
    if (gate[1] >= 0) close(gate[1]);
    if (setns(fds[0], CLONE_NEWNET) < 0) _exit(126);
    if (gate_read >= 0) {
        sched_setaffinity(0, sizeof bench_cpus, &bench_cpus);  // a storm uses every CPU
        char byte;
        while (read(gate_read, &byte, 1) < 0 && errno == EINTR) {
        }
    }
    signal(SIGINT, SIG_DFL);  // this process ignores them; ignored signals survive exec
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(fds[1], 0) < 0 || dup2(fds[2], 1) < 0 || dup2(fds[3], 2) < 0) _exit(126);
    execve(argv[0], argv, envp);
    _exit(127);
}

void reply(const ReplyHeader& header, const Result* items) {
    static char buffer[sizeof(ReplyHeader) + sizeof(Result) * kMaxStaged];
    std::memcpy(buffer, &header, sizeof header);
    std::memcpy(buffer + sizeof header, items, sizeof(Result) * header.count);
    if (send(kSocket, buffer, sizeof header + sizeof(Result) * header.count, MSG_NOSIGNAL) < 0)
        _exit(1);
}

/// RUN: fork → wait4, timed here so that nothing of cni_bench's own work is included.
void run_now(const RequestHeader& header, const int fds[4]) {
    Result result{};
    const double start = now_ms();
    pid_t pid = spawn(header, fds, -1);
    if (pid < 0) {
        result.status = -1;
        result.error = errno;
    } else {
        int status = 0;
        rusage usage{};
        while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
        }
        result.wall_ms = now_ms() - start;
        fill(result, status, usage);
    }
    reply({1, 0, result.wall_ms}, &result);
}

void stage(const RequestHeader& header, const int fds[4]) {
    if (staged >= kMaxStaged) return;  // cni_bench never stages more
    if (gate[0] < 0 && pipe2(gate, O_CLOEXEC) < 0) gate[0] = gate[1] = -1;
    Result& result = results[staged];
    result = Result{};
    const pid_t pid = gate[0] < 0 ? -1 : spawn(header, fds, gate[0]);
    if (pid < 0) {
        result.status = -1;
        result.error = errno;
    }
    staged_pid[staged++] = pid;
}

/// GO: every staged child proceeds at once; wall from then to each one's wait4.
void go() {
    if (gate[0] >= 0) close(gate[0]);
    const double start = now_ms();
    if (gate[1] >= 0) close(gate[1]);
    gate[0] = gate[1] = -1;
    int running = 0;
    for (int i = 0; i < staged; ++i) running += staged_pid[i] > 0;
    double last = start;
    while (running > 0) {
        int status = 0;
        rusage usage{};
        pid_t pid = wait4(-1, &status, 0, &usage);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        last = now_ms();
        for (int i = 0; i < staged; ++i)
            if (staged_pid[i] == pid) {
                results[i].wall_ms = last - start;
                fill(results[i], status, usage);
                --running;
            }
    }
    reply({static_cast<std::uint32_t>(staged), 0, last - start}, results);
    staged = 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--exit") == 0) return 0;  // the method's RSS floor
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1) return 1;  // cni_bench is already gone
    // Ctrl-C reaches the whole process group: cni_bench cleans up and then closes the socket.
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    fcntl(kSocket, F_SETFD, FD_CLOEXEC);
    if (sched_getaffinity(getppid(), sizeof bench_cpus, &bench_cpus) < 0) CPU_ZERO(&bench_cpus);
    for (;;) {
        char control[CMSG_SPACE(sizeof(int) * 4)];
        iovec iov{request, sizeof request - 1};
        msghdr message{};
        message.msg_iov = &iov;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        ssize_t length = recvmsg(kSocket, &message, MSG_CMSG_CLOEXEC);
        if (length < 0 && errno == EINTR) continue;
        if (length <= 0) return 0;  // cni_bench closed the socket, or exited
        request[length] = '\0';
        int fds[4] = {-1, -1, -1, -1};
        int received = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                received = static_cast<int>((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                std::memcpy(fds, CMSG_DATA(c), sizeof(int) * (received < 4 ? received : 4));
            }
        RequestHeader header;
        if (static_cast<std::size_t>(length) < sizeof header) return 1;
        std::memcpy(&header, request, sizeof header);
        const bool has_child = header.type == kRun || header.type == kStage;
        if (has_child && (received != 4 || header.argc < 1 || header.argc > kMaxStrings ||
                          header.envc > kMaxStrings))
            return 1;
        if (header.type == kRun) run_now(header, fds);
        if (header.type == kStage) stage(header, fds);
        if (header.type == kGo) go();
        for (int fd : fds)
            if (fd >= 0) close(fd);
    }
}
