// The IPAM operations a command performs, each under the network's exclusive store lock:
// reserve one address per range set for an attachment, release them, list them.
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

/// Reserves one address per range set, round-robin from the last one handed out in that set,
/// never a gateway. Throws CniError(kAddressExhausted) when a set is full,
/// CniError(kTryAgainLater) when the lock is not obtained in time, SystemError on I/O failure.
/// On any throw nothing stays reserved. Reserving twice for the same attachment is an error.
std::vector<Allocation> reserve(const Config& config, const std::string& network,
                                const AttachmentId& who);

/// Releases every address of `who`. Succeeds when there is nothing to release.
void release(const Config& config, const std::string& network, const AttachmentId& who);

/// The addresses currently reserved for `who` (empty when none).
std::vector<IpAddress> reserved(const Config& config, const std::string& network,
                                const AttachmentId& who);

}  // namespace nsveth::ipam
