// Pipes and SCM_RIGHTS to cni_spawn; poll() over the children's output and the reply.
#include "tests/bench/bench_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "tests/bench/spawn_protocol.h"

namespace nsveth::bench {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

/// The bench's ends of one child's pipes.
struct Pipes {
    int out = -1;
    int err = -1;
};

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

/// Creates the child's pipes, fills its stdin and sends the request with the child's ends;
/// returns the bench's read ends of stdout and stderr.
Pipes send_child(int socket, spawn::Type type, int netns_fd, const Command& command) {
    if (command.input.size() >= 65536) throw std::length_error("stdin larger than a pipe buffer");
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) < 0) throw_errno("pipe");
    if (pipe2(out, O_CLOEXEC) < 0) {
        const int saved = errno;
        ::close(in[0]);
        ::close(in[1]);
        errno = saved;
        throw_errno("pipe");
    }
    if (pipe2(err, O_CLOEXEC) < 0) {
        const int saved = errno;
        for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
        errno = saved;
        throw_errno("pipe");
    }
    // The whole input fits in the pipe: write it, close our end, and the child reads to EOF.
    const bool written = ::write(in[1], command.input.data(), command.input.size()) ==
                         static_cast<ssize_t>(command.input.size());
    ::close(in[1]);

    std::string payload(sizeof(spawn::RequestHeader), '\0');
    const spawn::RequestHeader header{type, static_cast<std::uint32_t>(command.argv.size()),
                                      static_cast<std::uint32_t>(command.env.size()), 0};
    std::memcpy(payload.data(), &header, sizeof header);
    for (const auto& text : command.argv) payload += text + '\0';
    for (const auto& text : command.env) payload += text + '\0';

    const int fds[4] = {netns_fd, in[0], out[1], err[1]};
    char control[CMSG_SPACE(sizeof fds)] = {};
    iovec iov{payload.data(), payload.size()};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* cmsg = CMSG_FIRSTHDR(&message);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
    const bool sent = sendmsg(socket, &message, MSG_NOSIGNAL) >= 0;
    const int saved = errno;
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    if (!sent || !written) {
        ::close(out[0]);
        ::close(err[0]);
        errno = sent ? EPIPE : saved;
        throw_errno(sent ? "write the child's stdin" : "send a request to cni_spawn");
    }
    return {out[0], err[0]};
}

/// Reads every child's stdout and stderr to end of file and the helper's reply, together, so
/// that neither side can block the other.
std::string collect(int socket, std::vector<Pipes>& pipes, std::vector<Run>& runs) {
    std::vector<pollfd> fds{{socket, POLLIN, 0}};
    std::vector<std::string*> sinks{nullptr};
    for (std::size_t i = 0; i < pipes.size(); ++i) {
        fds.push_back({pipes[i].out, POLLIN, 0});
        sinks.push_back(&runs[i].out);
        fds.push_back({pipes[i].err, POLLIN, 0});
        sinks.push_back(&runs[i].err);
    }
    std::string reply;
    bool replied = false;
    std::size_t open_pipes = fds.size() - 1;
    while (!replied || open_pipes > 0) {
        if (poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (!replied && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            reply.resize(sizeof(spawn::ReplyHeader) + sizeof(spawn::Result) * spawn::kMaxStaged);
            ssize_t n = recv(socket, reply.data(), reply.size(), 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                errno = n < 0 ? errno : EPIPE;
                throw_errno("receive from cni_spawn");
            }
            reply.resize(static_cast<std::size_t>(n));
            replied = true;
            fds[0].fd = -1;
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buffer[8192];
            ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_pipes;
            } else {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            }
        }
    }
    for (auto& p : pipes) p.out = p.err = -1;  // closed above
    return reply;
}

/// Applies the results of `reply` to `runs`; returns the reply's wall time.
double apply(const std::string& reply, std::vector<Run>& runs) {
    spawn::ReplyHeader header;
    if (reply.size() < sizeof header) throw std::runtime_error("short reply from cni_spawn");
    std::memcpy(&header, reply.data(), sizeof header);
    if (header.count != runs.size() ||
        reply.size() != sizeof header + sizeof(spawn::Result) * header.count)
        throw std::runtime_error("cni_spawn replied for " + std::to_string(header.count) +
                                 " children, expected " + std::to_string(runs.size()));
    for (std::size_t i = 0; i < runs.size(); ++i) {
        spawn::Result result;
        std::memcpy(&result, reply.data() + sizeof header + sizeof result * i, sizeof result);
        runs[i].status = result.status;
        runs[i].wall_ms = result.wall_ms;
        runs[i].cpu_ms = result.cpu_ms;
        runs[i].max_rss_kib = static_cast<long>(result.max_rss_kib);
        if (result.status < 0) runs[i].err = std::string("fork: ") + std::strerror(result.error);
    }
    return header.wall_ms;
}

/// Closes the read ends not yet handed to collect(), when sending fails half-way.
struct PipesGuard {
    std::vector<Pipes>& pipes;
    ~PipesGuard() {
        for (auto& p : pipes) {
            close_fd(p.out);
            close_fd(p.err);
        }
    }
};

}  // namespace

std::string Run::describe() const {
    std::string text = status >= 128 ? "killed by signal " + std::to_string(status - 128)
                                     : "exit " + std::to_string(status);
    const std::string& detail = err.empty() ? out : err;
    return detail.empty() ? text : text + ": " + detail;
}

Spawner::Spawner(const std::string& cni_spawn) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) throw_errno("socketpair");
    pid_ = fork();
    if (pid_ < 0) {
        const int saved = errno;
        ::close(pair[0]);
        ::close(pair[1]);
        errno = saved;
        throw_errno("fork");
    }
    if (pid_ == 0) {
        if (dup2(pair[1], 3) < 0) _exit(126);  // dup2 clears close-on-exec on fd 3
        execl(cni_spawn.c_str(), cni_spawn.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    ::close(pair[1]);
    socket_ = pair[0];
}

void Spawner::stop() {
    close_fd(socket_);
    if (pid_ > 0) {
        int status;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }
}

Run Spawner::run_in(int netns_fd, const Command& command) {
    std::vector<Pipes> pipes;
    PipesGuard guard{pipes};
    pipes.push_back(send_child(socket_, spawn::kRun, netns_fd, command));
    std::vector<Run> runs(1);
    apply(collect(socket_, pipes, runs), runs);
    return std::move(runs[0]);
}

Burst Spawner::run_burst(int netns_fd, const std::vector<Command>& commands) {
    if (commands.size() > static_cast<std::size_t>(spawn::kMaxStaged))
        throw std::length_error("at most " + std::to_string(spawn::kMaxStaged) +
                                " children at once");
    std::vector<Pipes> pipes;
    PipesGuard guard{pipes};
    for (const auto& command : commands)
        pipes.push_back(send_child(socket_, spawn::kStage, netns_fd, command));
    const spawn::RequestHeader go{spawn::kGo, 0, 0, 0};
    if (send(socket_, &go, sizeof go, MSG_NOSIGNAL) < 0) throw_errno("send to cni_spawn");
    Burst burst;
    burst.runs.resize(commands.size());
    burst.wall_ms = apply(collect(socket_, pipes, burst.runs), burst.runs);
    return burst;
}

}  // namespace nsveth::bench
