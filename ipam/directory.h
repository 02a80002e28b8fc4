// One open directory of the IPAM store and the few file operations the store needs, all relative
// to the directory's fd. Files only ever appear complete: content goes to a temp file first, which
// is then linked (create-if-absent) or renamed (replace) to its final name.
//
// Nothing is fsynced, on purpose (see ipam/README.md, "Why nothing is fsynced"): the store is
// discarded whenever the kernel's boot id changes, so only a running kernel ever reads what was
// written, and a running kernel always shows the page cache — complete and in syscall order —
// even to the next process after this one was killed.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/fd.h"

namespace nsveth::ipam {

/// Prefix of temp files; no store file name starts with it, so leftovers are never read.
inline constexpr const char* kTempPrefix = ".tmp.";

/// The pid that created temp file `name` (".tmp.<pid>.<salt>.<n>"); nullopt for other names.
std::optional<pid_t> temp_file_owner(const std::string& name);

/// Owns the descriptor of one open directory of the store; not thread-safe (callers hold the lock).
class Directory {
public:
    /// Opens `path`. With `create`, missing components are created with mode 0755 (mkdir -p);
    /// without, returns nullopt when `path` does not exist. Throws SystemError otherwise.
    static std::optional<Directory> open(const std::string& path, bool create);

    /// The path it was opened by, for messages.
    const std::string& path() const { return path_; }
    /// The descriptor, owned by this Directory, for *at() calls.
    int fd() const { return fd_.get(); }
    /// `name` inside this directory, for messages.
    std::string path_of(const std::string& name) const { return path_ + "/" + name; }

    /// Whether `name` exists (a dangling symlink counts). Throws SystemError on other errors.
    bool exists(const std::string& name) const;
    /// The whole content of `name`; nullopt when it does not exist. Throws SystemError.
    std::optional<std::string> read(const std::string& name) const;
    /// Creates `name` (mode 0600) holding `content` unless it exists: false when it does.
    bool create_new(const std::string& name, const std::string& content);
    /// Atomically creates or replaces `name` (mode 0600) with `content`.
    void replace(const std::string& name, const std::string& content);
    /// Rewrites `name` (mode 0600) in place, creating it if needed. Not atomic: for hints whose
    /// damage is harmless (the round-robin cursor), at a third of replace()'s cost.
    void overwrite(const std::string& name, const std::string& content);
    /// Removes `name`; false when it did not exist. Throws SystemError.
    bool remove(const std::string& name);
    /// The names of all entries but "." and "..", in directory order. Throws SystemError.
    std::vector<std::string> list() const;
    /// Creates and removes a temp file: throws SystemError when the directory takes no new files.
    void check_writable();

private:
    Directory(Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
    /// Writes `content` to a new temp file and returns its name.
    std::string write_temp(const std::string& content);

    Fd fd_;
    std::string path_;
};

}  // namespace nsveth::ipam
