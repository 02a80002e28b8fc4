// The `ip netns add` sequence: lock the run directory, make it a shared mount (binding it onto
// itself once if it is not a mount point yet), create an empty file, bind-mount a new namespace
// onto it. Attaching binds an existing process's namespace instead. Deleting is a lazy unmount
// followed by unlink.
#include "netns/named_netns.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>

#include "common/error.h"

namespace nsveth {

namespace {

void make_run_dir_shared() {
    if (mkdir(kNetnsRunDir, 0755) < 0 && errno != EEXIST)
        throw_errno(std::string("mkdir ") + kNetnsRunDir);
    // Serialise the mount setup: parallel first-time setups would stack bind mounts endlessly.
    Fd lock(::open(kNetnsRunDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (lock) flock(lock.get(), LOCK_EX);
    bool made_mount_point = false;
    while (mount("", kNetnsRunDir, "none", MS_SHARED | MS_REC, nullptr) < 0) {
        if (errno != EINVAL || made_mount_point)
            throw_errno(std::string("mount --make-shared ") + kNetnsRunDir + " failed");
        if (mount(kNetnsRunDir, kNetnsRunDir, "none", MS_BIND | MS_REC, nullptr) < 0)
            throw_errno(std::string("mount --bind ") + kNetnsRunDir + " " + kNetnsRunDir +
                        " failed");
        made_mount_point = true;
    }
}

/// The empty mount point for a named namespace, in a run directory ready for propagation.
void create_namespace_file(const std::string& path) {
    make_run_dir_shared();
    Fd file(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0));
    if (!file) throw_errno("Cannot create namespace file \"" + path + "\"");
}

}  // namespace

bool is_valid_netns_name(std::string_view name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find('/') == std::string_view::npos && name.size() < 256;
}

std::string named_netns_path(std::string_view name) {
    return std::string(kNetnsRunDir) + "/" + std::string(name);
}

Netns create_named_netns(std::string_view name) {
    const std::string path = named_netns_path(name);
    create_namespace_file(path);
    try {
        NetnsGuard inside = NetnsGuard::enter_new();
        if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) < 0)
            throw_errno("Bind /proc/self/ns/net -> " + path + " failed");
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    return Netns::open(path);
}

Netns attach_named_netns(std::string_view name, int pid) {
    const std::string path = named_netns_path(name);
    const std::string source = "/proc/" + std::to_string(pid) + "/ns/net";
    create_namespace_file(path);
    if (mount(source.c_str(), path.c_str(), "none", MS_BIND, nullptr) < 0) {
        int error = errno;
        unlink(path.c_str());
        throw SystemError(error, "Bind " + source + " -> " + path + " failed");
    }
    return Netns::open(path);
}

bool delete_named_netns(std::string_view name) {
    const std::string path = named_netns_path(name);
    umount2(path.c_str(), MNT_DETACH);  // EINVAL when not mounted: the file alone is removed
    if (unlink(path.c_str()) < 0) {
        if (errno == ENOENT) return false;
        throw_errno("Cannot remove namespace file \"" + path + "\"");
    }
    return true;
}

}  // namespace nsveth
