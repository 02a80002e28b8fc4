// collect_garbage: the only operation that walks the store. It trusts nothing but the runtime's
// list of valid attachments (guessing liveness elsewhere has freed addresses still in use in other
// implementations), releases everything else, and keeps going past single failures.
#include <signal.h>

#include <cerrno>

#include "common/error.h"
#include "common/first_failure.h"
#include "ipam/ipam.h"
#include "ipam/names.h"
#include "ipam/store.h"

namespace nsveth::ipam {

namespace {

bool is_valid(const AttachmentId& who, const std::vector<AttachmentId>& valid) {
    for (const AttachmentId& each : valid)
        if (each.container_id == who.container_id && each.ifname == who.ifname) return true;
    return false;
}

// A legacy id-only record names no interface: any valid attachment of that container keeps it.
bool is_valid(const Owner& owner, const std::vector<AttachmentId>& valid) {
    for (const AttachmentId& each : valid)
        if (each.container_id == owner.container_id &&
            (!owner.ifname || *owner.ifname == each.ifname))
            return true;
    return false;
}

// Temp files exist only while a writer holds the lock, and we hold it, so any one found is a
// leftover; the pid check still spares a live writer that got in without the lock (a lock file
// someone deleted). A pid of another pid namespace may look dead: that file is removed, and such
// a lockless writer fails its link or rename loudly instead of reserving silently.
bool writer_is_dead(const std::string& temp_path) {
    std::optional<pid_t> pid = temp_file_owner(temp_path.substr(temp_path.rfind('/') + 1));
    return pid && ::kill(*pid, 0) < 0 && errno == ESRCH;
}

}  // namespace

void collect_garbage(const Config& config, const std::string& network,
                     const std::vector<AttachmentId>& valid, std::vector<Released>* released) {
    check_network_name(network);
    std::optional<Store> store = Store::open(config.data_dir, network, OpenMode::kUpdate);
    if (!store) return;
    FirstFailure failures;

    // Indexed attachments first, exactly as their DEL would release them.
    std::vector<AttachmentId> indexed;
    failures.attempt([&] { indexed = store->indexed_attachments(); });
    for (const AttachmentId& who : indexed)
        if (!is_valid(who, valid))
            failures.attempt([&] {
                std::vector<IpAddress> addresses = store->release(who);
                if (released && !addresses.empty())
                    released->push_back({who, std::move(addresses)});
            });

    // Then every address file whose owner is not valid: reservations without an index
    // (host-local's, an older nsveth's, or an index lost to a damaged file).
    std::vector<IpAddress> addresses;
    failures.attempt([&] { addresses = store->address_files(); });
    for (const IpAddress& ip : addresses)
        failures.attempt([&] {
            std::optional<Owner> owner = store->owner_of(ip);
            if (owner && !is_valid(*owner, valid)) store->remove_address(ip);
        });

    std::vector<std::string> temps;
    failures.attempt([&] { temps = store->temp_files(); });
    for (const std::string& name : temps)
        if (writer_is_dead(name)) failures.attempt([&] { store->remove_temp_file(name); });

    failures.rethrow();
}

}  // namespace nsveth::ipam
