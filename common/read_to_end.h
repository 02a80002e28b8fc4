// read_to_end: the rest of an open file, the loop every reader of a whole file needs (EINTR
// retried, a failure left in errno), written once. A CNI call reads half a dozen small files, so
// where a short read is the end of the file it stops there instead of reading again for the 0.
#pragma once

#include <string>

namespace nsveth {

/// What a read that returns fewer bytes than it asked for means.
enum class FileKind {
    /// Pipes, terminals, sockets: nothing; only a read that returns 0 is the end.
    kStream,
    /// Regular files and procfs values: the end of the file (read(2)).
    kFile,
};

/// Appends the rest of `fd` to `text`, or stops once `text` holds more than `limit` bytes (the
/// caller sees the size). Returns false, with errno set, when a read fails (what was read
/// before stays appended).
bool read_to_end(int fd, std::string& text, FileKind kind,
                 std::size_t limit = std::string::npos);

}  // namespace nsveth
