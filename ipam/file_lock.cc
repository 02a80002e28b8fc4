// FileLock: flock(LOCK_EX|LOCK_NB) in a sleep loop; the Fd's destructor unlocks.
#include "ipam/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "common/error.h"

namespace nsveth::ipam {

namespace {
constexpr std::chrono::milliseconds kFirstDelay{1};
constexpr std::chrono::milliseconds kMaxDelay{20};
}  // namespace

FileLock::FileLock(int dir_fd, const std::string& name, const std::string& path,
                   std::chrono::milliseconds timeout)
    : fd_(::openat(dir_fd, name.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) {
    if (!fd_) throw_errno("open lock file " + path);
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + timeout;
    std::chrono::milliseconds delay = kFirstDelay;
    for (;;) {
        if (::flock(fd_.get(), LOCK_EX | LOCK_NB) == 0) return;
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) throw_errno("lock " + path);
        Clock::time_point now = Clock::now();
        if (now >= deadline)
            throw CniError(kTryAgainLater, "IPAM store lock " + path + " busy for " +
                                               std::to_string(timeout.count()) +
                                               " ms: another operation on this network holds it");
        std::this_thread::sleep_for(std::min<Clock::duration>(delay, deadline - now));
        delay = std::min(delay * 2, kMaxDelay);
    }
}

}  // namespace nsveth::ipam
