// The IPAM operations a command performs, each under the network's exclusive store lock:
// reserve one address per range set for an attachment, release them, list them, collect garbage,
// report status. Reservations never outlive the kernel boot they were made in (ipam/README.md).
#pragma once

#include <string>
#include <vector>

#include "common/ip.h"
#include "ipam/config.h"

namespace nsveth::ipam {

/// The attachment an address belongs to: the CNI spec's (CNI_CONTAINERID, CNI_IFNAME).
struct AttachmentId {
    std::string container_id;
    std::string ifname;
};

/// One reserved address, as a CNI result reports it.
struct Allocation {
    IpPrefix address;   // the address with its subnet's prefix length, e.g. 10.22.0.5/24
    IpAddress gateway;  // the gateway of the range it came from
};

/// Reserves one address per range set. Each `requested` address is reserved exactly, in the range
/// set that contains it (at most one per set); the other sets hand out the next free address
/// round-robin from the last one handed out there, never a gateway.
/// Throws CniError(kAddressExhausted) when a set is full, CniError(kAddressUnavailable) when a
/// requested address is taken, a gateway, outside every range set, or a second one for the same
/// set, CniError(kTryAgainLater) when the lock is not obtained in time, SystemError on I/O
/// failure. On any throw nothing stays reserved. Reserving twice for one attachment is an error.
std::vector<Allocation> reserve(const Config& config, const std::string& network,
                                const AttachmentId& who,
                                const std::vector<IpAddress>& requested = {});

/// Releases every address of `who`. Succeeds when there is nothing to release.
void release(const Config& config, const std::string& network, const AttachmentId& who);

/// The addresses currently reserved for `who` (empty when none).
std::vector<IpAddress> reserved(const Config& config, const std::string& network,
                                const AttachmentId& who);

/// An indexed attachment that GC released, with the addresses it held.
struct Released {
    AttachmentId who;
    std::vector<IpAddress> addresses;
};

/// GC: releases every reservation whose owner is not in `valid` (an empty list releases all),
/// and removes temp files of dead processes. Keeps the lock, cursors and other bookkeeping.
/// Goes on past single failures and throws the first one at the end. Adds the indexed
/// attachments it released to `released` (also when it throws), so that the caller can remove
/// what else they held.
void collect_garbage(const Config& config, const std::string& network,
                     const std::vector<AttachmentId>& valid,
                     std::vector<Released>* released = nullptr);

/// STATUS: throws CniError(kPluginNotAvailable) naming the range set when one has no free
/// address left, or naming the path when the store cannot be created, locked or written;
/// CniError(kTryAgainLater) when another operation holds the lock for more than about 1 s.
/// Cheap: probes candidates from each set's cursor, never walks the directory.
void check_status(const Config& config, const std::string& network);

}  // namespace nsveth::ipam
