// GC (CNI 1.1): what nsveth keeps outside the kernel's veths is the IPAM's reservations and, with
// ipMasq, the masquerade rules; both are collected for attachments not in the valid list. The
// specification requires forwarding GC to a delegated IPAM in any case.
#include <exception>

#include "netns/masquerade.h"
#include "plugin/commands.h"
#include "plugin/ipam_client.h"
#include "plugin/ipam_request.h"

namespace nsveth {

void cmd_gc(const Invocation& invocation) {
    std::exception_ptr first_failure;
    try {
        make_ipam_client(invocation)->gc();
    } catch (...) {
        first_failure = std::current_exception();
    }
    const auto valid = valid_attachments(invocation.config.raw);
    if (invocation.config.ip_masq && valid) {
        std::vector<std::pair<std::string, std::string>> pairs;
        for (const auto& attachment : *valid)
            pairs.emplace_back(attachment.container_id, attachment.ifname);
        try {
            collect_masquerade_garbage(invocation.config.name, pairs);
        } catch (...) {
            if (!first_failure) first_failure = std::current_exception();
        }
    }
    if (first_failure) std::rethrow_exception(first_failure);
}

}  // namespace nsveth
