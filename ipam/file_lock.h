// The exclusive flock that serializes every operation on one network's store, across processes
// (and across threads, since each acquisition opens its own file description). Waiting is bounded,
// so a stuck holder turns into a "try again later" error instead of a hung runtime.
#pragma once

#include <chrono>
#include <string>

#include "common/fd.h"

namespace nsveth::ipam {

/// How long reserve/release/reserved wait for the store lock.
inline constexpr std::chrono::milliseconds kLockTimeout{10'000};
/// How long check_status waits: STATUS is polled every few seconds and must answer quickly.
inline constexpr std::chrono::milliseconds kStatusLockTimeout{1'000};

/// Holds an exclusive flock on one file for as long as this object lives.
class FileLock {
public:
    /// Opens (creating, mode 0600) `name` in the directory `dir_fd` (`path` is its full path, for
    /// messages and the inotify watch) and takes an exclusive flock on it, waking on every close
    /// of the file (at least every 20 ms). Throws CniError(kTryAgainLater) when `timeout` passes
    /// first, SystemError on failure.
    FileLock(int dir_fd, const std::string& name, const std::string& path,
             std::chrono::milliseconds timeout);

    // Closing the descriptor releases the lock.
    FileLock(FileLock&&) = default;
    FileLock& operator=(FileLock&&) = default;

private:
    Fd fd_;
};

}  // namespace nsveth::ipam
