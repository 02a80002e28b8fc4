// write_all: the whole of a text to a file descriptor, the loop every writer needs (short writes
// continued, EINTR retried, a failure left in errno), written once.
#pragma once

#include <string_view>

namespace nsveth {

/// Writes all of `text` to `fd`. Returns false, with errno set, when a write fails (part of the
/// text may have been written); a write of 0 bytes counts as failing with EIO.
bool write_all(int fd, std::string_view text);

}  // namespace nsveth
