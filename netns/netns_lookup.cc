// Directory scans of /var/run/netns and /proc, compared by stat() identity. No namespace is
// entered: a stat of /proc/PID/ns/net reports the nsfs inode without joining it.
#include "netns/netns_lookup.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "common/error.h"
#include "netns/named_netns.h"

namespace nsveth {

namespace {

struct DirCloser {
    void operator()(DIR* dir) const { closedir(dir); }
};
using Dir = std::unique_ptr<DIR, DirCloser>;

/// Calls `visit(name)` for every entry of `path` but "." and ".."; false when `path` is missing.
template <typename Visit>
bool for_each_entry(const char* path, Visit&& visit) {
    Dir dir(opendir(path));
    if (!dir) {
        if (errno == ENOENT) return false;
        throw_errno(std::string("Failed to open directory ") + path);
    }
    errno = 0;
    while (const dirent* entry = readdir(dir.get())) {
        std::string_view name(entry->d_name);
        if (name != "." && name != "..") visit(std::string(name));
        errno = 0;
    }
    if (errno != 0) throw_errno(std::string("read directory ") + path);
    return true;
}

bool is_pid(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

/// stat() of `path` as an identity; false when it cannot be stat'ed (gone, no access).
bool try_identity(const std::string& path, NetnsIdentity& id) {
    struct stat st {};
    if (stat(path.c_str(), &st) < 0) return false;
    id = {st.st_dev, st.st_ino};
    return true;
}

}  // namespace

std::vector<std::string> list_named_netns() {
    std::vector<std::string> names;
    for_each_entry(kNetnsRunDir, [&names](std::string name) { names.push_back(std::move(name)); });
    return names;
}

Netns open_named_netns(std::string_view name) {
    const std::string path = named_netns_path(name);
    const std::string action = "Cannot open network namespace \"" + std::string(name) + "\"";
    if (auto netns = Netns::open_if_present(path)) return std::move(*netns);
    struct stat st {};
    if (stat(path.c_str(), &st) < 0) throw_errno(action);
    throw SystemError(EINVAL, action + " (" + path + " is not a bound namespace)");
}

NetnsIdentity identity_of(const Netns& netns) {
    struct stat st {};
    if (fstat(netns.fd(), &st) < 0) throw_errno("stat network namespace " + netns.path());
    return {st.st_dev, st.st_ino};
}

NetnsIdentity identity_of_process(std::string_view pid) {
    NetnsIdentity id;
    if (!try_identity("/proc/" + std::string(pid) + "/ns/net", id))
        throw_errno("Cannot open network namespace of process " + std::string(pid));
    return id;
}

std::vector<std::string> names_of_netns(const NetnsIdentity& id) {
    std::vector<std::string> names;
    for_each_entry(kNetnsRunDir, [&](std::string name) {
        NetnsIdentity bound;
        if (try_identity(named_netns_path(name), bound) && bound == id)
            names.push_back(std::move(name));
    });
    return names;
}

std::vector<int> pids_in_netns(const NetnsIdentity& id) {
    std::vector<int> pids;
    for_each_entry("/proc", [&](const std::string& entry) {
        NetnsIdentity member;
        if (is_pid(entry) && try_identity("/proc/" + entry + "/ns/net", member) && member == id)
            pids.push_back(std::atoi(entry.c_str()));
    });
    return pids;
}

}  // namespace nsveth
