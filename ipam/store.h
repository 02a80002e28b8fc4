// The on-disk state of one network, <dataDir>/<network>/, in host-local's layout plus an index
// and a boot id:
//   lock                          empty; every operation holds an exclusive flock on it
//   boot_id                       the kernel boot id the reservations below were made in
//   <ip>                          one per reserved address, 0600, "<containerID>\r\n<ifname>"
//   last_reserved_ip.<set>        the round-robin cursor of range set <set>
//   attachments/<containerID>@<ifname>   the attachment's addresses, one per line
//   .tmp.<pid>.<salt>.<n>         temp files (in both directories) until linked or renamed
// The index is written before the address files it lists and removed after them, so it is always
// a superset of what the attachment holds: release and reserved() need not walk the directory,
// and a killed process leaves nothing a later release cannot clean. Opening for writing discards
// every reservation of an earlier boot; the first opening of a store without a boot id indexes
// the reservations it finds (a host-local store taken over). Nothing is fsynced: ipam/README.md
// explains why none is needed.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "ipam/directory.h"
#include "ipam/file_lock.h"
#include "ipam/ipam.h"

namespace nsveth::ipam {

/// What an operation does with a store, which decides what Store::open does first.
enum class OpenMode {
    kRead,    // only reads: a missing store, or one recorded in an earlier boot, is no store
    kUpdate,  // changes an existing store: a missing one is no store; an earlier boot's is wiped
    kCreate,  // creates missing directories; an earlier boot's reservations are wiped
};

/// The owner an address file names.
struct Owner {
    std::string container_id;
    std::optional<std::string> ifname;  // nullopt for host-local's legacy id-only records
};

/// One network's store, locked for as long as this object lives.
class Store {
public:
    /// Opens the store of `network` under `data_dir` and takes its lock (waiting up to
    /// `lock_timeout`); see OpenMode for the rest. Returns nullopt when there is no store to use.
    /// Validate the network name first (check_network_name). Throws CniError(kTryAgainLater) when
    /// the lock stays busy, SystemError on I/O failure (including while wiping an earlier boot).
    static std::optional<Store> open(const std::string& data_dir, const std::string& network,
                                     OpenMode mode,
                                     std::chrono::milliseconds lock_timeout = kLockTimeout);

    /// The network directory, for messages.
    const std::string& path() const { return network_.path(); }
    /// Whether a boot id is recorded. A store without one that is open only for reading may
    /// hold reservations without an index (host-local's, before any nsveth wrote the store).
    bool has_boot_id() const;

    /// Whether some attachment (or a foreign writer) holds `ip`.
    bool is_taken(const IpAddress& ip) const;
    /// Creates the address file of `ip` for `who`; false when `ip` is already taken.
    bool claim(const IpAddress& ip, const AttachmentId& who);
    /// Whether the address file of `ip` exists and names `who`.
    bool is_held_by(const IpAddress& ip, const AttachmentId& who) const;
    /// Removes the address file of `ip`, whoever holds it; absent is fine.
    void remove_address(const IpAddress& ip);

    /// The last address handed out in range set `set`; nullopt when unknown or unreadable.
    std::optional<IpAddress> last_reserved(std::size_t set) const;
    /// Records `ip` as the last address handed out in range set `set` (atomic replace).
    void set_last_reserved(std::size_t set, const IpAddress& ip);

    /// The addresses the index of `who` lists (unparsable lines skipped); nullopt without index.
    std::optional<std::vector<IpAddress>> read_index(const AttachmentId& who) const;
    /// Creates or replaces the index of `who` (atomic replace).
    void write_index(const AttachmentId& who, const std::vector<IpAddress>& addresses);
    /// Removes the index of `who`; absent is fine.
    void remove_index(const AttachmentId& who);

    /// Removes every address file the index of `who` lists that names `who`, then the index, and
    /// returns the addresses it removed. Nothing to release is fine. Address files naming someone
    /// else are never touched.
    std::vector<IpAddress> release(const AttachmentId& who);

    // For GC, the only caller that walks the directories.
    /// The attachments that have an index.
    std::vector<AttachmentId> indexed_attachments() const;
    /// The addresses that have an address file.
    std::vector<IpAddress> address_files() const;
    /// The owner the address file of `ip` names; nullopt when there is no such file.
    std::optional<Owner> owner_of(const IpAddress& ip) const;
    /// The temp files of both directories, as paths relative to the network directory.
    std::vector<std::string> temp_files() const;
    /// Removes temp file `name` (as temp_files() lists it); absent is fine.
    void remove_temp_file(const std::string& name);

    /// Throws SystemError unless both directories take new files.
    void check_writable();

private:
    Store(Directory network, FileLock lock, Directory attachments)
        : network_(std::move(network)),
          lock_(std::move(lock)),
          attachments_(std::move(attachments)) {}

    /// Whether the recorded boot id is absent or the current one.
    bool same_boot(const std::string& current) const;
    /// Records `current` as the boot id, first removing every reservation (address files,
    /// indexes, temp files) when another boot id is recorded, or indexing the reservations that
    /// have no index when none is recorded. Cursors stay.
    void adopt_boot(const std::string& current);
    /// Gives every reservation that names an interface but has no index (host-local's, an older
    /// nsveth's) an index entry, so that DEL releases it and CHECK finds it. Legacy id-only
    /// records, names unfit for an index and unreadable files are left for GC.
    void index_unindexed_reservations();

    Directory network_;
    FileLock lock_;
    Directory attachments_;
};

}  // namespace nsveth::ipam
