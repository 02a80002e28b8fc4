// unshare() + open(/proc/thread-self/ns/net) + setns() back.
#include "tests/bench/bench_netns.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <system_error>

namespace nsveth::bench {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

/// The namespace the bench itself runs in, opened once (per thread: the bench has one).
int home_fd() {
    static int fd = [] {
        int opened = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (opened < 0) throw_errno("open /proc/thread-self/ns/net");
        return opened;
    }();
    return fd;
}

/// Runs `action` inside `fd`'s namespace and switches back; never stays in the wrong one.
template <typename Action>
auto inside(int fd, Action action) {
    const int home = home_fd();
    if (setns(fd, CLONE_NEWNET) < 0) throw_errno("setns");
    struct Back {
        int home;
        ~Back() {
            if (setns(home, CLONE_NEWNET) < 0) {
                std::perror("cni_bench: setns back to its own namespace");
                std::abort();
            }
        }
    } back{home};
    return action();
}

}  // namespace

Namespace Namespace::create() {
    const int home = home_fd();
    if (unshare(CLONE_NEWNET) < 0) throw_errno("unshare(CLONE_NEWNET)");
    int fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const int saved_errno = errno;
    if (setns(home, CLONE_NEWNET) < 0) {
        std::perror("cni_bench: setns back to its own namespace");
        std::abort();
    }
    errno = saved_errno;
    if (fd < 0) throw_errno("open the new namespace");
    return Namespace(fd);
}

Namespace& Namespace::operator=(Namespace&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

Namespace::~Namespace() {
    if (fd_ >= 0) ::close(fd_);
}

std::string Namespace::path() const {
    return "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fd_);
}

int Namespace::count_links() const {
    return inside(fd_, [] {
        // /proc/thread-self/net follows the reading thread's namespace at open time.
        std::ifstream dev("/proc/thread-self/net/dev");
        if (!dev) throw_errno("open /proc/thread-self/net/dev");
        std::string line;
        int count = -2;  // two header lines
        while (std::getline(dev, line)) {
            const auto start = line.find_first_not_of(' ');
            if (start == std::string::npos || line.compare(start, 3, "lo:") != 0) ++count;
        }
        return count;
    });
}

}  // namespace nsveth::bench
