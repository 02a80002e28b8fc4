// current_boot_id: one small read of procfs per store opened for writing.
#include "ipam/boot_id.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.h"
#include "common/fd.h"

namespace nsveth::ipam {

namespace {

std::string& source() {
    static std::string path = kKernelBootIdPath;
    return path;
}

}  // namespace

std::string current_boot_id() {
    const std::string& path = source();
    Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file) throw_errno("open " + path);
    char buffer[128];
    std::string text;
    for (;;) {
        ssize_t n = ::read(file.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("read " + path);
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > 4096) break;  // a boot id is 36 characters; anything else is not one
    }
    const char* space = " \t\r\n";
    std::size_t first = text.find_first_not_of(space);
    if (first == std::string::npos) throw CniError(kSystemFailure, path + " holds no boot id");
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

void set_boot_id_source_for_testing(const std::string& path) {
    source() = path.empty() ? kKernelBootIdPath : path;
}

}  // namespace nsveth::ipam
