// read_to_end: see read_to_end.h.
#include "common/read_to_end.h"

#include <unistd.h>

#include <cerrno>

namespace nsveth {

bool read_to_end(int fd, std::string& text, FileKind kind, std::size_t limit) {
    // One page on the stack: the files nsveth reads whole are a few bytes to a few KiB, and the
    // string then holds only what was read.
    char buffer[4096];
    for (;;) {
        ssize_t length = ::read(fd, buffer, sizeof buffer);
        if (length < 0 && errno == EINTR) continue;
        if (length < 0) return false;
        text.append(buffer, static_cast<std::size_t>(length));
        const bool short_read = length < static_cast<ssize_t>(sizeof buffer);
        if (length == 0 || (kind == FileKind::kFile && short_read) || text.size() > limit)
            return true;
    }
}

}  // namespace nsveth
