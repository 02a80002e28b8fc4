// The CNI commands nsveth implements, one file each (the cniVersion gates are run()'s). They run in
// the plugin's own (host) namespace and throw CniError/SystemError; run() turns those into the
// error document.
#pragma once

#include "plugin/invocation.h"
#include "plugin/result.h"

namespace nsveth {

/// ADD: attaches CNI_NETNS (creating a named one if missing) and returns the result, with any
/// prevResult kept in front. On any failure everything done so far is undone.
Result cmd_add(const Invocation& invocation);

/// DEL: releases the addresses, deletes the veth and a namespace ADD created. Succeeds when any of
/// them is already gone, when CNI_NETNS is empty, and when repeated.
void cmd_del(const Invocation& invocation);

/// CHECK: verifies the attachment described by prevResult is intact. Throws
/// CniError(kCheckFailed) naming the first difference.
void cmd_check(const Invocation& invocation);

/// STATUS: whether ADD could be served now (the IPAM decides). Throws CniError(50).
void cmd_status(const Invocation& invocation);

/// GC: releases what belongs to attachments outside cni.dev/valid-attachments.
void cmd_gc(const Invocation& invocation);

}  // namespace nsveth
