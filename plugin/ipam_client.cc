// The two IpamClient implementations: built-in (ipam/ library) and delegated (exec).
#include "plugin/ipam_client.h"

#include <algorithm>
#include <cstdio>

#include "common/error.h"
#include "ipam/ipam.h"
#include "plugin/cni_args.h"
#include "plugin/delegate.h"
#include "plugin/ipam_request.h"
#include "plugin/resolv_conf.h"

namespace nsveth {

namespace {

class BuiltinIpam : public IpamClient {
public:
    explicit BuiltinIpam(const Invocation& invocation)
        : invocation_(invocation),
          config_(ipam::parse_config(invocation.config.ipam(),
                                     requested_ranges(invocation.config.raw))),
          who_{invocation.cni.container_id, invocation.cni.ifname} {}

    Result add() override {
        const auto requested =
            requested_addresses(invocation_.config.raw, parse_cni_args(invocation_.cni.args));
        Result result;
        if (!config_.resolv_conf.empty()) result.dns = read_resolv_conf(config_.resolv_conf);
        for (const auto& allocation : ipam::reserve(config_, network(), who_, requested))
            result.ips.push_back({allocation.address, allocation.gateway});
        result.routes = config_.routes;
        return result;
    }

    void del() override { ipam::release(config_, network(), who_); }

    void check(const std::vector<IpConfig>& ips) override {
        const auto reserved = ipam::reserved(config_, network(), who_);
        if (reserved.empty())
            throw CniError(kCheckFailed, "no address is reserved for " + who_.container_id +
                                             "/" + who_.ifname + " in network " + network());
        for (const auto& ip : ips)
            if (std::find(reserved.begin(), reserved.end(), ip.address.address()) ==
                reserved.end())
                throw CniError(kCheckFailed, "address " + ip.address.address().to_string() +
                                                 " is not reserved for " + who_.container_id +
                                                 "/" + who_.ifname + " in network " + network());
    }

    void status() override { ipam::check_status(config_, network()); }

    void gc(std::vector<ipam::Released>& released) override {
        auto valid = valid_attachments(invocation_.config.raw);
        if (!valid) {
            std::fprintf(stderr,
                         "nsveth: GC without cni.dev/valid-attachments: nothing released\n");
            return;
        }
        ipam::collect_garbage(config_, network(), *valid, &released);
    }

private:
    const std::string& network() const { return invocation_.config.name; }

    const Invocation& invocation_;
    const ipam::Config config_;
    const ipam::AttachmentId who_;
};

class DelegatedIpam : public IpamClient {
public:
    DelegatedIpam(const Invocation& invocation, std::string type)
        : invocation_(invocation), type_(std::move(type)) {}

    Result add() override {
        auto answer = run("ADD");
        if (answer.is_null())
            throw CniError(kDecodeFailure, "ipam plugin " + type_ + " printed no result");
        // The delegate answers in the configuration's version; results of every supported
        // version parse alike.
        Result result = parse_result(answer);
        if (result.ips.empty())
            throw CniError(kInvalidConfig, "ipam plugin " + type_ + " returned no address");
        return result;
    }
    void del() override { run("DEL"); }
    void check(const std::vector<IpConfig>&) override { run("CHECK"); }
    void status() override { run("STATUS"); }
    void gc(std::vector<ipam::Released>&) override { run("GC"); }

private:
    nlohmann::json run(const char* command) {
        // The delegate gets this very configuration, so nsveth as its own IPAM plugin would
        // execute itself again at every level, without end.
        if (delegate_is_self(type_, invocation_.env))
            throw CniError(kInvalidConfig, "ipam.type \"" + type_ +
                                               "\" is nsveth itself, which would call itself "
                                               "without end; its built-in IPAM is \"" +
                                               ipam::kIpamType + "\"");
        return exec_delegate(type_, invocation_.env, command, invocation_.input);
    }

    const Invocation& invocation_;
    const std::string type_;
};

}  // namespace

std::unique_ptr<IpamClient> make_builtin_ipam_client(const Invocation& invocation) {
    return std::make_unique<BuiltinIpam>(invocation);
}

std::unique_ptr<IpamClient> make_ipam_client(const Invocation& invocation) {
    const auto& ipam = invocation.config.ipam();
    auto type = ipam.find("type");
    if (type == ipam.end() || !type->is_string() || type->get<std::string>().empty())
        throw CniError(kInvalidConfig, "ipam.type missing or not a string");
    if (*type == ipam::kIpamType) return make_builtin_ipam_client(invocation);
    return std::make_unique<DelegatedIpam>(invocation, type->get<std::string>());
}

}  // namespace nsveth
