// The on-disk state of one network, <dataDir>/<network>/, in host-local's layout plus an index:
//   lock                          empty; every operation holds an exclusive flock on it
//   <ip>                          one per reserved address, 0600, "<containerID>\r\n<ifname>"
//   last_reserved_ip.<set>        the round-robin cursor of range set <set>
//   attachments/<containerID>@<ifname>   the attachment's addresses, one per line
// The index is written (durably) before the address files it lists and removed after them, so
// it is always a superset of what the attachment holds: release and reserved() never walk the
// directory, and a crash leaves nothing a later release cannot clean.
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

/// One network's store, locked for as long as this object lives.
class Store {
public:
    /// Opens the store of `network` under `data_dir` and takes its lock (waiting up to
    /// `lock_timeout`). With `create`, missing directories are made; without, returns nullopt when
    /// the network has no store yet. Validate the network name first (check_network_name).
    /// Throws CniError(kTryAgainLater) when the lock stays busy, SystemError on I/O failure.
    static std::optional<Store> open(const std::string& data_dir, const std::string& network,
                                     bool create,
                                     std::chrono::milliseconds lock_timeout = kLockTimeout);

    /// The network directory, for messages.
    const std::string& path() const { return network_.path(); }

    /// Whether some attachment (or a foreign writer) holds `ip`.
    bool is_taken(const IpAddress& ip) const;
    /// Creates the address file of `ip` for `who`; false when `ip` is already taken.
    bool claim(const IpAddress& ip, const AttachmentId& who);
    /// Whether the address file of `ip` exists and names `who`.
    bool is_held_by(const IpAddress& ip, const AttachmentId& who) const;
    /// Removes the address file of `ip`, whoever holds it; absent is fine.
    void remove_address(const IpAddress& ip);
    /// Makes claims, removals and cursor updates durable.
    void sync();

    /// The last address handed out in range set `set`; nullopt when unknown or unreadable.
    std::optional<IpAddress> last_reserved(std::size_t set) const;
    /// Records `ip` as the last address handed out in range set `set` (atomic replace).
    void set_last_reserved(std::size_t set, const IpAddress& ip);

    /// The addresses the index of `who` lists (unparsable lines skipped); nullopt without index.
    std::optional<std::vector<IpAddress>> read_index(const AttachmentId& who) const;
    /// Creates or replaces the index of `who`; durable when this returns.
    void write_index(const AttachmentId& who, const std::vector<IpAddress>& addresses);
    /// Removes the index of `who` (absent is fine); durable when this returns.
    void remove_index(const AttachmentId& who);

private:
    Store(Directory network, FileLock lock, Directory attachments)
        : network_(std::move(network)),
          lock_(std::move(lock)),
          attachments_(std::move(attachments)) {}

    Directory network_;
    FileLock lock_;
    Directory attachments_;
};

}  // namespace nsveth::ipam
