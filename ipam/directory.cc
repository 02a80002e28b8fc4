// Directory: *at() system calls on one directory fd; temp-file-then-link/rename for every write.
// No fsync anywhere: directory.h says why.
#include "ipam/directory.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <memory>
#include <random>

#include "common/error.h"
#include "common/read_to_end.h"
#include "common/write_all.h"

namespace nsveth::ipam {

namespace {

constexpr mode_t kDirectoryMode = 0755;
constexpr mode_t kFileMode = 0600;
constexpr int kTempAttempts = 16;

// Creates every missing directory of `path`, like mkdir -p. Existing ones are left as they are.
void make_directories(const std::string& path) {
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        std::string prefix = path.substr(0, slash);
        if (!prefix.empty() && prefix.back() != '/' &&
            ::mkdir(prefix.c_str(), kDirectoryMode) < 0 && errno != EEXIST)
            throw_errno("create directory " + prefix);
        if (slash == std::string::npos) break;
    }
}

// A name no other writer uses: our pid plus a per-process counter and a random salt, so neither
// another thread nor a stale file of an earlier process with the same pid collides (and if one
// does, O_EXCL notices and the caller draws again).
std::string temp_name() {
    static std::atomic<unsigned> counter{0};
    static const unsigned salt = std::random_device{}();
    return std::string(kTempPrefix) + std::to_string(::getpid()) + "." + std::to_string(salt) +
           "." + std::to_string(counter++);
}

// Removes a temp file when the scope ends, unless it was consumed by a rename.
class TempFile {
public:
    TempFile(int dir_fd, std::string name) : dir_fd_(dir_fd), name_(std::move(name)) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (!name_.empty()) ::unlinkat(dir_fd_, name_.c_str(), 0);
    }
    const std::string& name() const { return name_; }
    void forget() { name_.clear(); }

private:
    int dir_fd_;
    std::string name_;
};

}  // namespace

std::optional<pid_t> temp_file_owner(const std::string& name) {
    const std::string_view prefix = kTempPrefix;
    if (name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    const char* first = name.data() + prefix.size();
    const char* end = name.data() + name.size();
    pid_t pid = 0;
    auto [stop, error] = std::from_chars(first, end, pid);
    if (error != std::errc() || stop == first || stop == end || *stop != '.' || pid <= 0)
        return std::nullopt;
    return pid;
}

std::optional<Directory> Directory::open(const std::string& path, bool create) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd && errno == ENOENT && create) {  // the first use of a store only
        make_directories(path);
        fd.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    }
    if (!fd) {
        if (errno == ENOENT && !create) return std::nullopt;
        throw_errno("open directory " + path);
    }
    return Directory(std::move(fd), path);
}

bool Directory::exists(const std::string& name) const {
    struct stat st;
    if (::fstatat(fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
    if (errno == ENOENT) return false;
    throw_errno("stat " + path_of(name));
}

std::optional<std::string> Directory::read(const std::string& name) const {
    Fd file(::openat(fd(), name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!file) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno("open " + path_of(name));
    }
    std::string content;
    if (!read_to_end(file.get(), content, FileKind::kFile)) throw_errno("read " + path_of(name));
    return content;
}

std::string Directory::write_temp(const std::string& content) {
    for (int attempt = 0;; ++attempt) {
        std::string name = temp_name();
        Fd file(::openat(fd(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                         kFileMode));
        if (!file) {
            if (errno == EEXIST && attempt + 1 < kTempAttempts) continue;
            throw_errno("create " + path_of(name));
        }
        TempFile temp(fd(), name);
        if (!write_all(file.get(), content)) throw_errno("write " + path_of(name));
        temp.forget();
        return name;
    }
}

bool Directory::create_new(const std::string& name, const std::string& content) {
    // An unnamed file (O_TMPFILE) linked into place: complete before it has a name, and no temp
    // name to remove afterwards. AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH, which a plugin running
    // as root has; without it, or on a file system without O_TMPFILE, use a named temp file.
    Fd unnamed(::openat(fd(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, kFileMode));
    if (unnamed) {
        if (!write_all(unnamed.get(), content)) throw_errno("write " + path_of(name));
        if (::linkat(unnamed.get(), "", fd(), name.c_str(), AT_EMPTY_PATH) == 0) return true;
        if (errno == EEXIST) return false;
        if (errno != EPERM && errno != ENOENT) throw_errno("link " + path_of(name));
    }
    TempFile temp(fd(), write_temp(content));
    if (::linkat(fd(), temp.name().c_str(), fd(), name.c_str(), 0) == 0) return true;
    if (errno == EEXIST) return false;
    throw_errno("link " + path_of(temp.name()) + " to " + path_of(name));
}

void Directory::replace(const std::string& name, const std::string& content) {
    TempFile temp(fd(), write_temp(content));
    if (::renameat(fd(), temp.name().c_str(), fd(), name.c_str()) < 0)
        throw_errno("rename " + path_of(temp.name()) + " to " + path_of(name));
    temp.forget();
}

bool Directory::remove(const std::string& name) {
    if (::unlinkat(fd(), name.c_str(), 0) == 0) return true;
    if (errno == ENOENT) return false;
    throw_errno("remove " + path_of(name));
}

std::vector<std::string> Directory::list() const {
    // A DIR owns (and closes) its descriptor, so it gets a fresh one of the same directory;
    // reopening "." also starts every listing at the beginning.
    int own = ::openat(fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (own < 0) throw_errno("open directory " + path_);
    std::unique_ptr<DIR, int (*)(DIR*)> stream(::fdopendir(own), &::closedir);
    if (!stream) {
        int error = errno;
        ::close(own);
        throw SystemError(error, "list directory " + path_);
    }
    std::vector<std::string> names;
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(stream.get());
        if (!entry) break;
        std::string_view name = entry->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
    }
    if (errno != 0) throw_errno("list directory " + path_);
    return names;
}

void Directory::check_writable() {
    // Content, not just a name: an empty file still fits on a full file system.
    std::string name = write_temp("writable?\n");
    remove(name);
}

void Directory::overwrite(const std::string& name, const std::string& content) {
    Fd file(::openat(fd(), name.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, kFileMode));
    if (!file) throw_errno("open " + path_of(name));
    if (!write_all(file.get(), content)) throw_errno("write " + path_of(name));
    if (::ftruncate(file.get(), static_cast<off_t>(content.size())) < 0)
        throw_errno("truncate " + path_of(name));
}

}  // namespace nsveth::ipam
