// The fork/setns/unshare/mount/exec sequence behind exec_in_named_netns. The child enters the
// namespace for good and then becomes the command, so it calls setns itself: a NetnsGuard, whose
// whole point is switching back, has no place there. The child prints its own errors and leaves
// with _exit, so no destructor or atexit handler of the parent runs twice. (It may allocate: the
// nsveth command-line tool is single-threaded, so no lock is held across fork.)
#include "netns/netns_exec.h"

#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/error.h"
#include "netns/netns_lookup.h"

namespace nsveth {

namespace {

constexpr const char* kNetnsEtcDir = "/etc/netns";

struct DirCloser {
    void operator()(DIR* dir) const { closedir(dir); }
};

/// Prints "<format with name>: <strerror(errno)>" and ends the child with status 1. errno is read
/// before anything else runs, so nothing evaluated for the message can change it.
[[noreturn]] void child_fail(const char* format, const std::string& name = {}) {
    const int error = errno;
    std::fprintf(stderr, format, name.c_str());
    std::fprintf(stderr, ": %s\n", std::strerror(error));
    std::_Exit(1);
}

/// Replaces /sys with a sysfs of the current network namespace. When /sys cannot be unmounted
/// (nothing mounted there, or it is busy) the new sysfs is mounted over it, read-only if the old
/// one was, since a read-only instance cannot be shadowed by a writable one.
void remount_sys(const std::string& name) {
    unsigned long flags = 0;
    if (umount2("/sys", MNT_DETACH) < 0) {
        struct statvfs fs {};
        if (statvfs("/sys", &fs) == 0 && (fs.f_flag & ST_RDONLY)) flags = MS_RDONLY;
    }
    if (mount(name.c_str(), "/sys", "sysfs", flags, nullptr) < 0)
        child_fail("mount of /sys failed");
}

/// Binds each /etc/netns/NAME/ENTRY over /etc/ENTRY; a failed bind is reported and skipped, as
/// ip netns exec does.
void bind_etc(const std::string& name) {
    const std::string dir_path = std::string(kNetnsEtcDir) + "/" + name;
    std::unique_ptr<DIR, DirCloser> dir(opendir(dir_path.c_str()));
    if (!dir) return;
    while (const dirent* entry = readdir(dir.get())) {
        std::string_view entry_name(entry->d_name);
        if (entry_name == "." || entry_name == "..") continue;
        const std::string source = dir_path + "/" + entry->d_name;
        const std::string target = std::string("/etc/") + entry->d_name;
        if (mount(source.c_str(), target.c_str(), "none", MS_BIND, nullptr) < 0)
            std::fprintf(stderr, "Bind %s -> %s failed: %s\n", source.c_str(), target.c_str(),
                         std::strerror(errno));
    }
}

/// The child after fork(): never returns.
[[noreturn]] void run_child(const Netns& netns, const std::string& name, char* const* argv) {
    if (setns(netns.fd(), CLONE_NEWNET) < 0)
        child_fail("setting the network namespace \"%s\" failed", name);
    if (unshare(CLONE_NEWNS) < 0) child_fail("unshare failed");
    // Mounts made below must never propagate back into the parent's mount namespace.
    if (mount("", "/", "none", MS_SLAVE | MS_REC, nullptr) < 0)
        child_fail("\"mount --make-rslave /\" failed");
    remount_sys(name);
    bind_etc(name);
    execvp(argv[0], argv);
    const int error = errno;
    std::fprintf(stderr, "exec of \"%s\" failed: %s\n", argv[0], std::strerror(error));
    std::_Exit(error == ENOENT ? 127 : 126);
}

}  // namespace

int exec_in_named_netns(std::string_view name, const std::vector<std::string>& argv) {
    if (argv.empty())
        throw SystemError(EINVAL,
                          "exec in network namespace \"" + std::string(name) + "\": no command");
    const Netns netns = open_named_netns(name);
    const std::string name_copy(name);
    std::vector<char*> c_argv;
    for (const auto& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
    c_argv.push_back(nullptr);

    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) throw_errno("fork for exec in network namespace \"" + name_copy + "\"");
    if (pid == 0) run_child(netns, name_copy, c_argv.data());

    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw_errno("wait for the command in \"" + name_copy + "\"");
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace nsveth
