// A std::ostream that writes to a file descriptor, made when the command-line tool starts.
// nsveth never includes <iostream>: its static initialisation sets up the locale machinery in
// every process, about 0.9 MiB of touched memory and a good share of start-up time that a CNI
// invocation (which prints with one write) should not pay.
#pragma once

#include <array>
#include <ostream>
#include <streambuf>

namespace nsveth {

class FdStreambuf : public std::streambuf {
public:
    explicit FdStreambuf(int fd);
    ~FdStreambuf() override;

protected:
    int_type overflow(int_type c) override;
    int sync() override;

private:
    int fd_;
    std::array<char, 4096> buffer_;
};

/// Buffered output to `fd`; flushed on std::flush, and when destroyed.
class FdOstream : public std::ostream {
public:
    explicit FdOstream(int fd) : std::ostream(nullptr), buffer_(fd) { rdbuf(&buffer_); }

private:
    FdStreambuf buffer_;
};

}  // namespace nsveth
