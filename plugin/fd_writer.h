// FdWriter: the command-line tool's buffered output to a file descriptor, with `<<` for text and
// integers, which is all the tool prints. A std::ostream over a streambuf did the same with
// libstdc++'s stream classes linked in; without them (and resolv_conf.cc's file streams) the
// binary has 23 KB less code. nsveth never includes <iostream> either: its static
// initialisation would set up the locale in every process, CNI invocations included.
#pragma once

#include <array>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <string_view>

namespace nsveth {

class FdWriter {
public:
    explicit FdWriter(int fd) : fd_(fd) {}
    ~FdWriter() { flush(); }
    FdWriter(const FdWriter&) = delete;
    FdWriter& operator=(const FdWriter&) = delete;

    FdWriter& operator<<(std::string_view text);
    FdWriter& operator<<(const char* text) { return *this << std::string_view(text); }
    FdWriter& operator<<(char c) { return *this << std::string_view(&c, 1); }
    template <std::integral Integer>
        requires(!std::same_as<Integer, char> && !std::same_as<Integer, bool>)
    FdWriter& operator<<(Integer value) {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        return *this << std::string_view(digits, static_cast<std::size_t>(end - digits));
    }

    /// Writes what is buffered; false (errno set) when the descriptor refuses it. A failed
    /// write drops the buffered text, as the command-line tool has nowhere else to put it.
    bool flush();

private:
    int fd_;
    std::size_t used_ = 0;
    std::array<char, 4096> buffer_;
};

}  // namespace nsveth
