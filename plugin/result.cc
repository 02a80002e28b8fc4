// Result <-> JSON. One renderer serves every version from 0.3.0 on, where the version only
// decides which optional fields exist; 0.1.0 and 0.2.0 have their own ip4/ip6 shape. The parser
// is strict about types, because a prevResult of the wrong shape is a bug upstream that is better
// reported than guessed around, and lenient about versions and unknown keys, because a chain may
// hand us any supported shape.
#include "plugin/result.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "plugin/json_member.h"
#include "plugin/version.h"

namespace nsveth {

namespace {

using nlohmann::json;

// Members are assigned one by one: an initializer list ({{"name", ...}}) builds a two-element
// array per member first.
json render_interface(const Interface& interface, bool with_1_1_fields) {
    json out;
    out["name"] = interface.name;
    if (!interface.mac.empty()) out["mac"] = interface.mac;
    if (with_1_1_fields && interface.mtu) out["mtu"] = *interface.mtu;
    if (!interface.sandbox.empty()) out["sandbox"] = interface.sandbox;
    if (with_1_1_fields && !interface.socket_path.empty())
        out["socketPath"] = interface.socket_path;
    if (with_1_1_fields && !interface.pci_id.empty()) out["pciID"] = interface.pci_id;
    return out;
}

json render_ip(const IpConfig& ip, bool with_version) {
    json out;
    out["address"] = ip.address.to_string();
    if (with_version) out["version"] = ip.address.address().is_v4() ? "4" : "6";
    if (ip.gateway) out["gateway"] = ip.gateway->to_string();
    if (ip.interface) out["interface"] = *ip.interface;
    return out;
}

json render_route(const Route& route, bool with_1_1_fields) {
    json out;
    out["dst"] = route.dst.to_string();
    if (route.gw) out["gw"] = route.gw->to_string();
    if (!with_1_1_fields) return out;
    if (route.mtu) out["mtu"] = *route.mtu;
    if (route.advmss) out["advmss"] = *route.advmss;
    if (route.priority) out["priority"] = *route.priority;
    if (route.table) out["table"] = *route.table;
    if (route.scope) out["scope"] = *route.scope;
    return out;
}

json render_dns(const Dns& dns) {
    json out = json::object();
    if (!dns.nameservers.empty()) out["nameservers"] = dns.nameservers;
    if (!dns.domain.empty()) out["domain"] = dns.domain;
    if (!dns.search.empty()) out["search"] = dns.search;
    if (!dns.options.empty()) out["options"] = dns.options;
    return out;
}

// Error messages name the value by its path in the document ("prevResult.ips[0].address"); the
// paths are put together only when a message needs one.
std::string element(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

std::string member_path(const std::string& path, const char* key) { return path + "." + key; }

[[noreturn]] void throw_wrong_type(const std::string& path, const json& value,
                                   const char* expected) {
    throw CniError(kDecodeFailure, path + ": expected " + expected + ", got " + value.type_name());
}

[[noreturn]] void throw_invalid(const std::string& path, const json& value,
                                const std::string& reason) {
    throw CniError(kDecodeFailure, "invalid " + path + " " +
                                       value.dump(-1, ' ', false, json::error_handler_t::replace) +
                                       ": " + reason);
}

void expect_object(const json& value, const std::string& path) {
    if (!value.is_object()) throw_wrong_type(path, value, "an object");
}

const json& require_member(const json& object, const char* key, const std::string& path) {
    const json* value = json_member(object, key);
    if (!value) throw CniError(kDecodeFailure, member_path(path, key) + ": missing");
    return *value;
}

std::string read_string(const json& value, const std::string& path, const char* key) {
    if (!value.is_string()) throw_wrong_type(member_path(path, key), value, "a string");
    return value.get<std::string>();
}

std::string read_optional_string(const json& object, const char* key, const std::string& path) {
    const json* value = json_member(object, key);
    return value ? read_string(*value, path, key) : std::string();
}

// A non-negative integer that `Number` holds: int for most fields, the kernel's u32 for route
// tables and priorities.
template <typename Number = int>
std::optional<Number> read_optional_uint(const json& object, const char* key,
                                         const std::string& path) {
    const json* value = json_member(object, key);
    if (!value) return std::nullopt;
    if (!value->is_number_integer())
        throw_wrong_type(member_path(path, key), *value, "an integer");
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<Number>::max());
    const bool in_range = value->is_number_unsigned() ? value->get<std::uint64_t>() <= kMax
                                                      : value->get<std::int64_t>() >= 0 &&
                                                            value->get<std::uint64_t>() <= kMax;
    if (!in_range)
        throw_invalid(member_path(path, key), *value,
                      "not between 0 and " + std::to_string(kMax));
    return value->get<Number>();
}

std::vector<std::string> read_string_list(const json& object, const char* key,
                                          const std::string& path) {
    std::vector<std::string> out;
    const json* value = json_member(object, key);
    if (!value) return out;
    if (!value->is_array()) throw_wrong_type(member_path(path, key), *value, "an array");
    for (std::size_t i = 0; i < value->size(); ++i) {
        const json& item = (*value)[i];
        if (!item.is_string())
            throw_wrong_type(element(member_path(path, key), i), item, "a string");
        out.push_back(item.get<std::string>());
    }
    return out;
}

// Calls parse(item, item_path) for each element of the optional array `key`.
template <typename Parse>
void for_each_element(const json& object, const char* key, const std::string& path, Parse parse) {
    const json* value = json_member(object, key);
    if (!value) return;
    const std::string member = path + "." + key;
    if (!value->is_array()) throw_wrong_type(member, *value, "an array");
    for (std::size_t i = 0; i < value->size(); ++i) parse((*value)[i], element(member, i));
}

IpPrefix read_prefix(const json& object, const char* key, const std::string& path) {
    const json& value = require_member(object, key, path);
    auto prefix = IpPrefix::parse(read_string(value, path, key));
    if (!prefix)
        throw_invalid(member_path(path, key), value, "not an IP address with prefix length");
    return *prefix;
}

// An empty string counts as unset, as Go's net.IP decodes it.
std::optional<IpAddress> read_optional_address(const json& object, const char* key,
                                               const std::string& path) {
    const std::string text = read_optional_string(object, key, path);
    if (text.empty()) return std::nullopt;
    auto address = IpAddress::parse(text);
    if (!address) throw_invalid(member_path(path, key), object.at(key), "not an IP address");
    return address;
}

Interface parse_interface(const json& value, const std::string& path) {
    expect_object(value, path);
    Interface out;
    out.name = read_string(require_member(value, "name", path), path, "name");
    out.mac = read_optional_string(value, "mac", path);
    out.mtu = read_optional_uint(value, "mtu", path);
    out.sandbox = read_optional_string(value, "sandbox", path);
    out.socket_path = read_optional_string(value, "socketPath", path);
    out.pci_id = read_optional_string(value, "pciID", path);
    return out;
}

IpConfig parse_ip(const json& value, const std::string& path, std::size_t interface_count) {
    expect_object(value, path);
    IpConfig out{read_prefix(value, "address", path), {}, {}};
    out.gateway = read_optional_address(value, "gateway", path);
    out.interface = read_optional_uint(value, "interface", path);
    if (out.interface && static_cast<std::size_t>(*out.interface) >= interface_count)
        throw_invalid(member_path(path, "interface"), value.at("interface"),
                      "not an index into interfaces");
    return out;
}

Route parse_route(const json& value, const std::string& path) {
    expect_object(value, path);
    Route out{read_prefix(value, "dst", path), {}, {}, {}, {}, {}, {}};
    out.gw = read_optional_address(value, "gw", path);
    out.mtu = read_optional_uint(value, "mtu", path);
    out.advmss = read_optional_uint(value, "advmss", path);
    out.priority = read_optional_uint<std::uint32_t>(value, "priority", path);
    out.table = read_optional_uint<std::uint32_t>(value, "table", path);
    out.scope = read_optional_uint(value, "scope", path);
    return out;
}

Dns parse_dns_at(const json& value, const std::string& path) {
    expect_object(value, path);
    Dns out;
    out.nameservers = read_string_list(value, "nameservers", path);
    out.domain = read_optional_string(value, "domain", path);
    out.search = read_string_list(value, "search", path);
    out.options = read_string_list(value, "options", path);
    return out;
}

}  // namespace

// 0.1.0 and 0.2.0: the first address of each family as ip4/ip6, with its gateway and the
// routes of its family; no interfaces (as Go's conversion to 0.2.0, which also fails without
// any address).
json render_legacy_result(const Result& result, std::string_view version) {
    json out;
    out["cniVersion"] = std::string(version);
    for (const bool v4 : {true, false}) {
        const auto ip = std::find_if(result.ips.begin(), result.ips.end(), [v4](const IpConfig& c) {
            return c.address.address().is_v4() == v4;
        });
        if (ip == result.ips.end()) continue;
        json& family = out[v4 ? "ip4" : "ip6"];
        family["ip"] = ip->address.to_string();
        if (ip->gateway) family["gateway"] = ip->gateway->to_string();
        for (const Route& route : result.routes)
            if (route.dst.address().is_v4() == v4)
                family["routes"].push_back(render_route(route, false));
    }
    if (!out.contains("ip4") && !out.contains("ip6"))
        throw CniError(kIncompatibleVersion, "a cniVersion " + std::string(version) +
                                                 " result needs an IP address, and there is none");
    if (!result.dns.empty()) out["dns"] = render_dns(result.dns);
    return out;
}

json render_result(const Result& result, std::string_view version) {
    if (!is_supported_version(version))
        throw CniError(kIncompatibleVersion,
                       "cannot render a result for cniVersion \"" + std::string(version) + "\"");
    if (compare_versions(version, "0.3.0") < 0) return render_legacy_result(result, version);
    const bool with_ip_version = compare_versions(version, "1.0.0") < 0;
    const bool with_1_1_fields = compare_versions(version, "1.1.0") >= 0;

    json out;
    out["cniVersion"] = std::string(version);
    for (const Interface& interface : result.interfaces)
        out["interfaces"].push_back(render_interface(interface, with_1_1_fields));
    for (const IpConfig& ip : result.ips) out["ips"].push_back(render_ip(ip, with_ip_version));
    for (const Route& route : result.routes)
        out["routes"].push_back(render_route(route, with_1_1_fields));
    if (!result.dns.empty()) out["dns"] = render_dns(result.dns);
    return out;
}

Result parse_result(const json& document) {
    const std::string path = "prevResult";
    expect_object(document, path);
    Result out;
    for_each_element(document, "interfaces", path, [&](const json& item, const std::string& at) {
        out.interfaces.push_back(parse_interface(item, at));
    });
    // ips[].version (0.3.x/0.4.0) is implied by the address and ignored.
    for_each_element(document, "ips", path, [&](const json& item, const std::string& at) {
        out.ips.push_back(parse_ip(item, at, out.interfaces.size()));
    });
    for_each_element(document, "routes", path, [&](const json& item, const std::string& at) {
        out.routes.push_back(parse_route(item, at));
    });
    // A 0.1.0/0.2.0 result (a delegated IPAM answering such a configuration): ip4 and ip6.
    for (const char* key : {"ip4", "ip6"}) {
        const json* family = json_member(document, key);
        if (!family) continue;
        const std::string at = member_path(path, key);
        expect_object(*family, at);
        out.ips.push_back(
            {read_prefix(*family, "ip", at), read_optional_address(*family, "gateway", at), {}});
        for_each_element(*family, "routes", at, [&](const json& item, const std::string& in) {
            out.routes.push_back(parse_route(item, in));
        });
    }
    if (const json* dns = json_member(document, "dns")) out.dns = parse_dns_at(*dns, path + ".dns");
    return out;
}

Dns parse_dns(const json& document) { return parse_dns_at(document, "dns"); }

}  // namespace nsveth
