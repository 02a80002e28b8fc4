// nsveth-ipam's command table entries: thin calls into the built-in IpamClient.
#include "plugin/ipam_commands.h"

#include "common/error.h"
#include "plugin/ipam_client.h"

namespace nsveth {

Result ipam_add(const Invocation& invocation) {
    return make_builtin_ipam_client(invocation)->add();
}

void ipam_del(const Invocation& invocation) { make_builtin_ipam_client(invocation)->del(); }

void ipam_check(const Invocation& invocation) {
    const auto& prev = invocation.config.prev_result;
    if (!prev) throw CniError(kInvalidConfig, "CHECK requires prevResult");
    // Our addresses are those on CNI_IFNAME (or not tied to an interface at all).
    std::vector<IpConfig> ips;
    for (const auto& ip : prev->ips) {
        bool ours = !ip.interface ||
                    prev->interfaces.at(static_cast<std::size_t>(*ip.interface)).name ==
                        invocation.cni.ifname;
        if (ours) ips.push_back(ip);
    }
    make_builtin_ipam_client(invocation)->check(ips);
}

void ipam_status(const Invocation& invocation) {
    make_builtin_ipam_client(invocation)->status();
}

void ipam_gc(const Invocation& invocation) {
    std::vector<ipam::Released> released;  // the main plugin's business, not the IPAM's
    make_builtin_ipam_client(invocation)->gc(released);
}

}  // namespace nsveth
