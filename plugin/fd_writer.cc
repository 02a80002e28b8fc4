// FdWriter: a fixed buffer drained with write(2); text longer than the buffer goes straight out.
#include "plugin/fd_writer.h"

#include <cstring>

#include "common/write_all.h"

namespace nsveth {

FdWriter& FdWriter::operator<<(std::string_view text) {
    if (text.size() > buffer_.size() - used_) {
        flush();
        if (text.size() > buffer_.size()) {
            write_all(fd_, text);
            return *this;
        }
    }
    std::memcpy(buffer_.data() + used_, text.data(), text.size());
    used_ += text.size();
    return *this;
}

bool FdWriter::flush() {
    const bool written = write_all(fd_, std::string_view(buffer_.data(), used_));
    used_ = 0;
    return written;
}

}  // namespace nsveth
