// The CNI result model (interfaces, ips, routes, dns) and its JSON forms. Rendering follows the
// requested cniVersion exactly: 0.3.x/0.4.0 add ips[].version and drop 1.1-only fields, 1.0.0 drops
// 1.1-only fields, 1.1.0 carries interface mtu and the route extras. Parsing accepts any supported
// version's shape, as prevResult may arrive in any of them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cni_route.h"
#include "common/ip.h"

namespace nsveth {

struct Dns {
    std::vector<std::string> nameservers;
    std::string domain;
    std::vector<std::string> search;
    std::vector<std::string> options;
    bool empty() const {
        return nameservers.empty() && domain.empty() && search.empty() && options.empty();
    }
};

struct Interface {
    std::string name;
    std::string mac;
    std::optional<int> mtu = std::nullopt;  // 1.1.0 only
    std::string sandbox;     // empty for host-side interfaces
    // 1.1.0 only, and only ever from a previous plugin's result, passed through as they came.
    std::string socket_path = {};  // "socketPath": a vhost-user or similar socket
    std::string pci_id = {};       // "pciID": the device's PCI address
};

struct IpConfig {
    IpPrefix address;  // host address with the subnet's prefix length
    std::optional<IpAddress> gateway = std::nullopt;
    std::optional<int> interface = std::nullopt;  // index into Result::interfaces
};

struct Result {
    std::vector<Interface> interfaces;
    std::vector<IpConfig> ips;
    std::vector<Route> routes;
    Dns dns;
};

/// Renders `result` in the shape of `version` (one of kSupportedVersions), including
/// "cniVersion". Empty optional fields and an empty dns are omitted.
nlohmann::json render_result(const Result& result, std::string_view version);

/// Parses a result (prevResult) of any supported version. Throws CniError(kDecodeFailure) naming
/// the field when a value has the wrong type or an address does not parse.
Result parse_result(const nlohmann::json& json);

/// Parses a "dns" object (config or result). Throws CniError(kDecodeFailure) on wrong types.
Dns parse_dns(const nlohmann::json& json);

}  // namespace nsveth
