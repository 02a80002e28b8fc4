// GC (CNI 1.1): for attachments not in the valid list, nsveth collects the IPAM's reservations,
// the host veths of those the in-process IPAM released (a leaked pod namespace keeps its pair),
// and the masquerade rules. The specification requires forwarding GC to a delegated IPAM in any
// case.
#include "common/first_failure.h"
#include "netns/masquerade.h"
#include "netns/netlink.h"
#include "plugin/attachment.h"
#include "plugin/commands.h"
#include "plugin/ipam_client.h"
#include "plugin/ipam_request.h"

namespace nsveth {

void cmd_gc(const Invocation& invocation) {
    FirstFailure failures;
    std::vector<ipam::Released> released;
    failures.attempt([&] { make_ipam_client(invocation)->gc(released); });
    // The host ends of what was released: where a pod namespace leaked, its veth and the host
    // route to its address would stay, and an ADD that gets the address next would fail.
    if (!released.empty())
        failures.attempt([&] {
            NetlinkSocket host = NetlinkSocket::open("host");
            for (const auto& [who, addresses] : released)
                delete_host_veth(host, who.container_id, who.ifname, &addresses);
        });
    // Also without ipMasq: rules left by attachments made while it was on would otherwise stay,
    // and masquerade whoever gets their address next. Then it is best effort, though: a host
    // without nftables has no rules to collect.
    if (const auto valid = valid_attachments(invocation.config.raw))
        failures.attempt([&] {
            std::vector<std::pair<std::string, std::string>> pairs;
            for (const auto& attachment : *valid)
                pairs.emplace_back(attachment.container_id, attachment.ifname);
            try {
                collect_masquerade_garbage(invocation.config.name, pairs);
            } catch (...) {
                if (invocation.config.ip_masq) throw;
            }
        });
    failures.rethrow();
}

}  // namespace nsveth
