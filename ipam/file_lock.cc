// FileLock: flock(LOCK_EX|LOCK_NB), and while it is busy, an inotify watch on the lock file that
// wakes us when any holder closes its descriptor (closing releases its flock). Waiters take over
// within microseconds of a release instead of sleeping through a backoff: 64 concurrent ADDs on
// one network finish in a fraction of the time. The watch exists before each attempt, so no
// release goes unnoticed; other openers' closes wake us too and we simply try again. A bounded
// poll interval keeps it working where inotify is unavailable (watch limits, network file
// systems), at the cost of latency only.
#include "ipam/file_lock.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "common/error.h"

namespace nsveth::ipam {

namespace {

constexpr std::chrono::milliseconds kMaxPollInterval{20};

/// Waits until the watch reports a close, or `wait` passes; consumes the events.
void wait_for_close(const Fd& watch, std::chrono::milliseconds wait) {
    pollfd ready{watch ? watch.get() : -1, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(wait.count())) > 0) {
        alignas(inotify_event) char events[4096];
        while (::read(watch.get(), events, sizeof events) > 0) {
        }
    }
}

}  // namespace

FileLock::FileLock(int dir_fd, const std::string& name, const std::string& path,
                   std::chrono::milliseconds timeout)
    : fd_(::openat(dir_fd, name.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) {
    if (!fd_) throw_errno("open lock file " + path);
    using Clock = std::chrono::steady_clock;
    // Set at the first contention: taking a free lock reads no clock.
    std::optional<Clock::time_point> deadline;
    Fd watch;
    for (;;) {
        if (::flock(fd_.get(), LOCK_EX | LOCK_NB) == 0) return;
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) throw_errno("lock " + path);
        if (!deadline) {
            deadline = Clock::now() + timeout;
            // Watch first, then try again: a release between the two attempts is not missed.
            // Without a watch (inotify instances exhausted), waits poll every kMaxPollInterval.
            watch.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
            if (watch && ::inotify_add_watch(watch.get(), path.c_str(), IN_CLOSE) < 0)
                watch.reset();
            continue;
        }
        const Clock::time_point now = Clock::now();
        if (now >= *deadline)
            throw CniError(kTryAgainLater, "IPAM store lock " + path + " busy for " +
                                               std::to_string(timeout.count()) +
                                               " ms: another operation on this network holds it");
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now);
        wait_for_close(watch, std::min(left, kMaxPollInterval));
    }
}

}  // namespace nsveth::ipam
