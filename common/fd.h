// Fd: sole owner of one file descriptor. Every descriptor nsveth opens lives in an Fd, so none
// leaks on an error path and none survives into a child process (callers open with O_CLOEXEC).
#pragma once

#include <unistd.h>

#include <utility>

namespace nsveth {

class Fd {
public:
    Fd() = default;
    /// Takes ownership of `fd` (may be -1 for "none").
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    explicit operator bool() const { return valid(); }

    /// Closes the owned descriptor (if any) and takes `fd` instead.
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

}  // namespace nsveth
