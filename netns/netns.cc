// Netns and NetnsGuard: open + fstatfs validation, setns/unshare for one scope.
#include "netns/netns.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/error.h"

namespace nsveth {

namespace {

constexpr const char* kThreadNetns = "/proc/thread-self/ns/net";

enum class Probe { kNetns, kMissing, kNotNetns };

Probe probe(const std::string& path, Fd& fd) {
    fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT || errno == ENOTDIR) return Probe::kMissing;
        throw_errno("open network namespace " + path);
    }
    struct statfs fs {};
    if (fstatfs(fd.get(), &fs) < 0) throw_errno("statfs network namespace " + path);
    // /proc/PID/ns/net opened through procfs resolves to an nsfs inode as well.
    if (fs.f_type != NSFS_MAGIC) return Probe::kNotNetns;
    return Probe::kNetns;
}

}  // namespace

Netns Netns::open(const std::string& path) {
    Fd fd;
    switch (probe(path, fd)) {
        case Probe::kMissing:
            throw CniError(kUnknownContainer, "network namespace " + path + " does not exist");
        case Probe::kNotNetns:
            throw CniError(kInvalidEnvironment, path + " is not a network namespace");
        case Probe::kNetns:
            break;
    }
    return Netns(std::move(fd), path);
}

std::optional<Netns> Netns::open_if_present(const std::string& path) {
    Fd fd;
    if (probe(path, fd) != Probe::kNetns) return std::nullopt;
    return Netns(std::move(fd), path);
}

Netns Netns::current() {
    Fd fd(::open(kThreadNetns, O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno(std::string("open ") + kThreadNetns);
    return Netns(std::move(fd), kThreadNetns);
}

bool Netns::same_as(const Netns& other) const {
    struct stat a {}, b {};
    if (fstat(fd(), &a) < 0 || fstat(other.fd(), &b) < 0) throw_errno("stat network namespace");
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::optional<std::uint64_t> Netns::cookie() const {
    Fd socket;
    int error = 0;
    {
        NetnsGuard inside(*this);
        socket.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        error = errno;  // before the guard's setns back
    }
    if (!socket) throw SystemError(error, "open a socket in network namespace " + path_);
    return socket_netns_cookie(socket.get());
}

std::optional<std::uint64_t> socket_netns_cookie(int fd) {
    std::uint64_t cookie = 0;
    socklen_t length = sizeof cookie;
    if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &length) == 0) return cookie;
    if (errno == ENOPROTOOPT) return std::nullopt;
    throw_errno("read the network namespace cookie of a socket");
}

NetnsGuard::NetnsGuard() : saved_(Netns::current()) {}

NetnsGuard::NetnsGuard(const Netns& target) : NetnsGuard() {
    if (setns(target.fd(), CLONE_NEWNET) < 0) {
        int error = errno;
        saved_.reset();  // nothing to restore: we never left
        throw SystemError(error, "enter network namespace " + target.path());
    }
}

NetnsGuard NetnsGuard::enter_new() {
    NetnsGuard guard;
    if (unshare(CLONE_NEWNET) < 0) {
        int error = errno;
        guard.saved_.reset();
        throw SystemError(error, "create a new network namespace");
    }
    return guard;
}

NetnsGuard::~NetnsGuard() {
    if (!saved_) return;
    if (setns(saved_->fd(), CLONE_NEWNET) < 0) {
        std::fprintf(stderr, "nsveth: cannot return to the original network namespace: %s\n",
                     std::strerror(errno));
        std::_Exit(EXIT_FAILURE);
    }
}

}  // namespace nsveth
