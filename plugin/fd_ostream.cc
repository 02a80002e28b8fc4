// FdStreambuf: a put area over a fixed buffer, drained with write(2).
#include "plugin/fd_ostream.h"

#include <unistd.h>

#include <cerrno>

namespace nsveth {

FdStreambuf::FdStreambuf(int fd) : fd_(fd) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
}

FdStreambuf::~FdStreambuf() { sync(); }

FdStreambuf::int_type FdStreambuf::overflow(int_type c) {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
        *pptr() = traits_type::to_char_type(c);
        pbump(1);
    }
    return traits_type::not_eof(c);
}

int FdStreambuf::sync() {
    const char* data = pbase();
    std::size_t left = static_cast<std::size_t>(pptr() - pbase());
    while (left > 0) {
        ssize_t written = ::write(fd_, data, left);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return -1;
        data += written;
        left -= static_cast<std::size_t>(written);
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return 0;
}

}  // namespace nsveth
