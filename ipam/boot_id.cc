// current_boot_id: one small read of procfs per store opened.
#include "ipam/boot_id.h"

#include <fcntl.h>

#include "common/error.h"
#include "common/fd.h"
#include "common/read_to_end.h"

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
    std::string text;
    if (!read_to_end(file.get(), text, FileKind::kFile)) throw_errno("read " + path);
    const char* space = " \t\r\n";
    std::size_t first = text.find_first_not_of(space);
    if (first == std::string::npos) throw CniError(kSystemFailure, path + " holds no boot id");
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

void set_boot_id_source_for_testing(const std::string& path) {
    source() = path.empty() ? kKernelBootIdPath : path;
}

}  // namespace nsveth::ipam
