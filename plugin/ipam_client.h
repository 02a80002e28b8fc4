// The IPAM half of every command. ipam.type "nsveth-ipam" runs in this process; any other type is
// a plugin executed from CNI_PATH by the delegation protocol. Both answer with the abbreviated
// IPAM result: ips with gateways, routes, dns — no interfaces.
#pragma once

#include <memory>
#include <vector>

#include "ipam/ipam.h"
#include "plugin/invocation.h"
#include "plugin/result.h"

namespace nsveth {

class IpamClient {
public:
    virtual ~IpamClient() = default;
    /// Reserves the attachment's addresses. Throws CniError/SystemError; reserves nothing then.
    virtual Result add() = 0;
    /// Releases the attachment's addresses; succeeds when there are none.
    virtual void del() = 0;
    /// Verifies that `ips` (ours in prevResult) are still reserved for the attachment.
    virtual void check(const std::vector<IpConfig>& ips) = 0;
    /// Throws CniError(kPluginNotAvailable) when ADD could not be served.
    virtual void status() = 0;
    /// Releases what belongs to attachments outside cni.dev/valid-attachments, and adds those
    /// it released to `released` (only the in-process IPAM knows them).
    virtual void gc(std::vector<ipam::Released>& released) = 0;
};

/// The client for `invocation`'s ipam.type. Throws CniError(kInvalidConfig) for a missing type
/// and, for nsveth-ipam, for an invalid "ipam" object.
std::unique_ptr<IpamClient> make_ipam_client(const Invocation& invocation);

/// The in-process client, whatever ipam.type says (the nsveth-ipam binary uses it).
std::unique_ptr<IpamClient> make_builtin_ipam_client(const Invocation& invocation);

}  // namespace nsveth
