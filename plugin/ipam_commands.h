// The commands of nsveth-ipam, the built-in IPAM packaged as a CNI IPAM plugin so that other
// main plugins (the reference ptp or bridge) can use it as their ipam.type.
#pragma once

#include "plugin/invocation.h"
#include "plugin/result.h"

namespace nsveth {

/// ADD: the abbreviated IPAM result (ips with gateways, routes, dns; no interfaces).
Result ipam_add(const Invocation& invocation);
/// DEL: releases the attachment's addresses; succeeds when there are none.
void ipam_del(const Invocation& invocation);
/// CHECK: prevResult's addresses on CNI_IFNAME must still be reserved for the attachment.
void ipam_check(const Invocation& invocation);
/// STATUS: code 50 when a range set is full or the store is unusable.
void ipam_status(const Invocation& invocation);
/// GC: releases reservations outside cni.dev/valid-attachments.
void ipam_gc(const Invocation& invocation);

}  // namespace nsveth
