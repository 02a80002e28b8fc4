// STATUS (CNI 1.1): nsveth can serve ADD exactly when its IPAM can, so the IPAM answers.
#include "plugin/commands.h"
#include "plugin/ipam_client.h"

namespace nsveth {

void cmd_status(const Invocation& invocation) { make_ipam_client(invocation)->status(); }

}  // namespace nsveth
