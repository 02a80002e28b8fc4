// ScopedNetns, TempDir and the fork/setns/exec runner behind the root tests.
#include "tests/support/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "common/error.h"
#include "common/fd.h"
#include "netns/named_netns.h"

namespace nsveth::testing {

std::string unique_name(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

ScopedNetns::ScopedNetns(const std::string& prefix)
    : name_(unique_name(prefix)), netns_(create_named_netns(name_)) {}

ScopedNetns::~ScopedNetns() { delete_named_netns(name_); }

std::string ScopedNetns::path() const { return named_netns_path(name_); }

NameCleanup::~NameCleanup() {
    try {
        delete_named_netns(name_);
    } catch (const SystemError&) {
    }
    std::error_code ignored;
    std::filesystem::remove("/run/nsveth/created-netns/" + name_, ignored);
}

TempDir::TempDir() {
    char pattern[] = "/tmp/nsveth-test-XXXXXX";
    if (!mkdtemp(pattern)) throw_errno("mkdtemp");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

RunningProcess start_process(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             const std::string& input, const std::string& netns_path) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        throw_errno("pipe");
    Fd target;
    if (!netns_path.empty()) {
        target.reset(open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!target) throw_errno("open " + netns_path);
    }
    std::vector<std::string> env_strings;
    for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
    std::vector<char*> c_argv, c_env;
    for (const auto& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
    for (const auto& entry : env_strings) c_env.push_back(const_cast<char*>(entry.c_str()));
    c_argv.push_back(nullptr);
    c_env.push_back(nullptr);

    // A child may stop reading its stdin early (nsveth stops after 16 MiB): writing the rest must
    // fail with EPIPE here, not kill the test with SIGPIPE.
    static const bool sigpipe_ignored = signal(SIGPIPE, SIG_IGN) != SIG_ERR;
    if (!sigpipe_ignored) throw_errno("ignore SIGPIPE");
    pid_t pid = fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);  // an ignored signal would stay ignored across exec
        if (target && setns(target.get(), CLONE_NEWNET) < 0) _exit(126);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execvpe(c_argv[0], c_argv.data(), c_env.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    // The child reads all of its stdin before it writes much, so write all, then close; what a
    // child that stopped reading refuses (EPIPE) is dropped, as runtimes do.
    for (std::size_t done = 0; done < input.size();) {
        const ssize_t length = write(in[1], input.data() + done, input.size() - done);
        if (length < 0 && errno == EINTR) continue;
        if (length < 0 && errno == EPIPE) break;
        if (length < 0) throw_errno("write stdin");
        done += static_cast<std::size_t>(length);
    }
    close(in[1]);
    return {pid, out[0], err[0]};
}

ProcessResult finish(RunningProcess process) {
    ProcessResult result;
    Fd out(process.stdout_fd), err(process.stderr_fd);
    pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_count = 2;
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0) throw_errno("poll");
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            char buffer[4096];
            ssize_t length = read(fds[i].fd, buffer, sizeof buffer);
            if (length <= 0) {
                fds[i].fd = -1;
                --open_count;
            } else {
                sinks[i]->append(buffer, static_cast<std::size_t>(length));
            }
        }
    }
    int status = 0;
    waitpid(process.pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env,
                          const std::string& input, const std::string& netns_path) {
    return finish(start_process(argv, env, input, netns_path));
}

ProcessResult shell_in(const std::string& netns_path, const std::string& command) {
    return run_process({"/bin/sh", "-c", command},
                       {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}}, "", netns_path);
}

}  // namespace nsveth::testing
