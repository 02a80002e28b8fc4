// The inotify loop behind monitor_named_netns: one watch (IN_CREATE | IN_DELETE) on the run
// directory, read in whole batches of events.
#include "netns/netns_monitor.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <cerrno>

#include "common/error.h"
#include "common/fd.h"
#include "netns/named_netns.h"

namespace nsveth {

void monitor_named_netns(const std::function<bool(const NetnsEvent&)>& on_event) {
    Fd inotify(inotify_init1(IN_CLOEXEC));
    if (!inotify) throw_errno("inotify_init failed");
    if (mkdir(kNetnsRunDir, 0755) < 0 && errno != EEXIST)
        throw_errno(std::string("mkdir ") + kNetnsRunDir + " failed");
    if (inotify_add_watch(inotify.get(), kNetnsRunDir, IN_CREATE | IN_DELETE) < 0)
        throw_errno(std::string("inotify_add_watch ") + kNetnsRunDir + " failed");

    alignas(inotify_event) char buffer[4096];
    for (;;) {
        const ssize_t length = read(inotify.get(), buffer, sizeof buffer);
        if (length < 0) {
            if (errno == EINTR) continue;
            throw_errno(std::string("read inotify events for ") + kNetnsRunDir);
        }
        for (ssize_t offset = 0; offset < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
            offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            if (event->mask & IN_IGNORED)
                throw SystemError(
                    ENOENT, std::string("watch ") + kNetnsRunDir + " (the directory was removed)");
            if (!(event->mask & (IN_CREATE | IN_DELETE)) || event->len == 0) continue;
            const NetnsEvent change{
                event->mask & IN_CREATE ? NetnsEvent::Kind::kAdded : NetnsEvent::Kind::kDeleted,
                event->name};
            if (!on_event(change)) return;
        }
    }
}

}  // namespace nsveth
