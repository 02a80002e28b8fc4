// fork/exec of a delegated plugin with pipes for stdin and stdout; stderr is inherited.
#include "plugin/delegate.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/fd.h"
#include "plugin/json_depth.h"

extern char** environ;

namespace nsveth {

namespace {

std::string find_in_cni_path(const std::string& type, const std::string& cni_path) {
    const bool has_separator = type.find_first_of(std::string_view("/\0", 2)) != type.npos;
    if (type.empty() || has_separator || type == "." || type == "..")
        throw CniError(kInvalidConfig, "invalid plugin type " + nlohmann::json(type).dump());
    std::string_view dirs = cni_path;
    while (!dirs.empty()) {
        auto colon = dirs.find(':');
        std::string dir(dirs.substr(0, colon));
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
        if (dir.empty()) continue;
        std::string candidate = dir + "/" + type;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    throw CniError(kInvalidConfig,
                   "plugin \"" + type + "\" not found in CNI_PATH \"" + cni_path + "\"");
}

std::string find_delegate(const std::string& type, const Environment& env) {
    auto path_entry = env.find("CNI_PATH");
    return find_in_cni_path(type, path_entry == env.end() ? std::string() : path_entry->second);
}

/// Writes `input` to `in` and reads `out` until EOF, interleaved so neither side can block.
std::string exchange(Fd in, Fd out, std::string_view input) {
    std::string output;
    std::size_t written = 0;
    if (input.empty()) in.reset();
    while (out) {
        pollfd fds[2] = {{out.get(), POLLIN, 0}, {in ? in.get() : -1, POLLOUT, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("wait for delegated plugin");
        }
        if (in && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(in.get(), input.data() + written, input.size() - written);
            if (n < 0 && errno != EINTR && errno != EAGAIN) in.reset();  // reader went away
            if (n > 0 && (written += static_cast<std::size_t>(n)) == input.size()) in.reset();
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buffer[8192];
            ssize_t n = read(out.get(), buffer, sizeof buffer);
            if (n > 0) output.append(buffer, static_cast<std::size_t>(n));
            else if (n == 0 || errno != EINTR) out.reset();
        }
    }
    return output;
}

}  // namespace

nlohmann::json exec_delegate(const std::string& type, const Environment& env,
                             std::string_view command, std::string_view input) {
    const std::string binary = find_delegate(type, env);

    std::vector<std::string> strings;
    for (const auto& [key, value] : env)
        if (key != "CNI_COMMAND") strings.push_back(key + "=" + value);
    strings.push_back("CNI_COMMAND=" + std::string(command));
    std::vector<char*> envp;
    for (char** entry = environ; *entry; ++entry) {
        const std::string_view text(*entry);
        const std::string_view name = text.substr(0, text.find('='));
        if (name != "CNI_COMMAND" && env.find(name) == env.end()) envp.push_back(*entry);
    }
    for (auto& entry : strings) envp.push_back(entry.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(binary.c_str()), nullptr};

    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) < 0) throw_errno("pipe for " + binary);
    Fd child_in(to_child[0]), in(to_child[1]);
    if (pipe2(from_child, O_CLOEXEC) < 0) throw_errno("pipe for " + binary);
    Fd out(from_child[0]), child_out(from_child[1]);

    pid_t pid = fork();
    if (pid < 0) throw_errno("fork for " + binary);
    if (pid == 0) {
        dup2(child_in.get(), STDIN_FILENO);
        dup2(child_out.get(), STDOUT_FILENO);
        execve(binary.c_str(), argv, envp.data());
        _exit(127);
    }
    child_in.reset();
    child_out.reset();
    fcntl(in.get(), F_SETFL, O_NONBLOCK);
    const std::string output = exchange(std::move(in), std::move(out), input);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }

    // Output nested too deep reads as no JSON: it would exhaust the stack when rendered again.
    auto document = nests_too_deep(output) ? nlohmann::json(nlohmann::json::value_t::discarded)
                                           : nlohmann::json::parse(output, nullptr, false);
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok) {
        if (output.find_first_not_of(" \t\r\n") == std::string::npos) return nullptr;
        if (document.is_discarded())
            throw CniError(kDecodeFailure, "plugin " + type + " printed no valid JSON");
        return document;
    }
    if (document.is_object() && document.contains("code") && document["code"].is_number_integer()) {
        std::string msg = document.value("msg", std::string("failed"));
        std::string details = document.value("details", std::string());
        throw CniError(document["code"].get<int>(), type + ": " + msg, details);
    }
    throw CniError(kSystemFailure,
                   "plugin " + type + " " + std::string(command) + " failed (" +
                       (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                          : "signal " + std::to_string(WTERMSIG(status))) +
                       ") without an error document");
}

bool delegate_is_self(const std::string& type, const Environment& env) {
    struct stat delegate {}, self {};
    const std::string binary = find_delegate(type, env);
    if (stat(binary.c_str(), &delegate) < 0) throw_errno("stat plugin " + binary);
    if (stat("/proc/self/exe", &self) < 0) throw_errno("stat /proc/self/exe");
    return delegate.st_dev == self.st_dev && delegate.st_ino == self.st_ino;
}

}  // namespace nsveth
