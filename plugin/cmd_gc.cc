// GC (CNI 1.1): the only state nsveth keeps outside the kernel is the IPAM's, so GC is forwarded
// to it (the specification requires forwarding GC to a delegated IPAM in any case).
#include "plugin/commands.h"
#include "plugin/ipam_client.h"

namespace nsveth {

void cmd_gc(const Invocation& invocation) { make_ipam_client(invocation)->gc(); }

}  // namespace nsveth
