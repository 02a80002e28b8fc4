// read/write of /proc/sys files with one syscall each.
#include "netns/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/error.h"
#include "common/fd.h"

namespace nsveth {

namespace {
std::string proc_path(std::string_view path) { return "/proc/sys/" + std::string(path); }
}  // namespace

std::string read_sysctl(std::string_view path) {
    const std::string file = proc_path(path);
    Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("read sysctl " + file);
    char buffer[256];
    ssize_t length = ::read(fd.get(), buffer, sizeof buffer);
    if (length < 0) throw_errno("read sysctl " + file);
    std::string value(buffer, static_cast<std::size_t>(length));
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
}

void write_sysctl(std::string_view path, std::string_view value) {
    const std::string file = proc_path(path);
    Fd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw_errno("write sysctl " + file);
    if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
        throw_errno("write sysctl " + file + " = " + std::string(value));
}

void ensure_sysctl(std::string_view path, std::string_view value) {
    if (read_sysctl(path) != value) write_sysctl(path, value);
}

}  // namespace nsveth
