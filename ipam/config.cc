// parse_config: reads the "ipam" object (and the runtime's ipRanges) into a Config and rejects, up
// front and with the key path and value in the message, everything that would make allocation
// misbehave later.
#include "ipam/config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string_view>

#include "common/error.h"

namespace nsveth::ipam {

namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& message) { throw CniError(kInvalidConfig, message); }

std::string as_json(const std::string& text) { return json(text).dump(); }

const char* family_name(const IpAddress& ip) { return ip.is_v4() ? "IPv4" : "IPv6"; }

// The key path of a member ("ipam.ranges[0][1].gateway"), put together only for a message.
struct KeyPath {
    std::string_view parent;
    const char* key;
    std::string str() const { return std::string(parent) + "." + key; }
};

// The member `key` of `object`; nullptr when absent or null (JSON null means "not given").
const json* member(const json& object, const char* key) {
    auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> optional_string(const json& object, KeyPath where) {
    const json* value = member(object, where.key);
    if (!value) return std::nullopt;
    if (!value->is_string()) invalid(where.str() + " " + value->dump() + " is not a string");
    // A path with a NUL would silently end there (dataDir "/run/x\u0000/../y" is /run/x).
    if (value->get_ref<const std::string&>().find('\0') != std::string::npos)
        invalid(where.str() + " " + value->dump() + " contains a NUL character");
    return value->get<std::string>();
}

// A non-negative integer no larger than `max` (which the result type holds), or nullopt when
// absent.
template <typename Number>
std::optional<Number> optional_uint(const json& object, KeyPath where, Number max) {
    const json* value = member(object, where.key);
    if (!value) return std::nullopt;
    if (!value->is_number_integer() || value->get<long long>() < 0 ||
        value->get<long long>() > static_cast<long long>(max))
        invalid(where.str() + " " + value->dump() + " is not an integer from 0 to " +
                std::to_string(max));
    return static_cast<Number>(value->get<long long>());
}

IpPrefix parse_prefix(const std::string& text, KeyPath where) {
    std::optional<IpPrefix> prefix = IpPrefix::parse(text);
    if (!prefix) invalid(where.str() + " " + as_json(text) + " is not an address/length prefix");
    if (prefix->has_host_bits())
        invalid(where.str() + " " + as_json(text) + " has host bits set (network is " +
                prefix->network().to_string() + ")");
    return *prefix;
}

IpAddress parse_address(const std::string& text, KeyPath where) {
    std::optional<IpAddress> ip = IpAddress::parse(text);
    if (!ip) invalid(where.str() + " " + as_json(text) + " is not an IP address");
    return *ip;
}

// An address given for a range of `subnet`: same family and inside the subnet.
IpAddress parse_address_in(const std::string& text, KeyPath where, const IpPrefix& subnet) {
    IpAddress ip = parse_address(text, where);
    if (ip.family() != subnet.family())
        invalid(where.str() + " " + as_json(text) + " is " + family_name(ip) + " but subnet " +
                subnet.to_string() + " is " + family_name(subnet.address()));
    if (!subnet.contains(ip))
        invalid(where.str() + " " + as_json(text) + " is outside subnet " + subnet.to_string());
    return ip;
}

// One range from the keys subnet/rangeStart/rangeEnd/gateway of `object` (a ranges entry, or
// the ipam object itself for the legacy form); `path` is the object's key path.
Range parse_range(const json& object, const std::string& path) {
    const KeyPath subnet_path{path, "subnet"};
    std::optional<std::string> subnet_text = optional_string(object, subnet_path);
    if (!subnet_text) invalid(path + ".subnet is missing");
    IpPrefix subnet = parse_prefix(*subnet_text, subnet_path);
    // Network and broadcast address plus one host: anything smaller has nothing to hand out.
    if (subnet.length() >= subnet.address().bit_length() - 1)
        invalid(path + ".subnet " + as_json(*subnet_text) + " is too small to allocate from");

    // Never the network address, nor the IPv4 broadcast address.
    const IpAddress lowest = subnet.first().next();
    const IpAddress highest = subnet.address().is_v4() ? subnet.last().prev() : subnet.last();
    auto bounded = [&](const char* key, const IpAddress& fallback) {
        const KeyPath where{path, key};
        std::optional<std::string> text = optional_string(object, where);
        if (!text) return fallback;
        IpAddress ip = parse_address_in(*text, where, subnet);
        if (ip < lowest || ip > highest)
            invalid(where.str() + " " + as_json(*text) + " is not a usable host address of " +
                    subnet.to_string() + " (" + lowest.to_string() + " - " + highest.to_string() +
                    ")");
        return ip;
    };
    IpAddress range_start = bounded("rangeStart", lowest);
    IpAddress range_end = bounded("rangeEnd", highest);
    if (range_start > range_end)
        invalid(path + ".rangeStart " + range_start.to_string() + " is after " + path +
                ".rangeEnd " + range_end.to_string());

    IpAddress gateway = lowest;
    const KeyPath gateway_path{path, "gateway"};
    if (auto text = optional_string(object, gateway_path))
        gateway = parse_address_in(*text, gateway_path, subnet);
    return Range{subnet, range_start, range_end, gateway};
}

std::string describe(const Range& range) {
    return range.subnet.to_string() + " (" + range.range_start.to_string() + " - " +
           range.range_end.to_string() + ")";
}

bool overlaps(const Range& a, const Range& b) {
    return a.range_start.family() == b.range_start.family() && a.range_start <= b.range_end &&
           b.range_start <= a.range_end;
}

// A range set as parsed, with the key paths its messages need.
struct ParsedSet {
    RangeSet ranges;
    std::string path;                // "ipam.ranges[1]", or "ipam" for the legacy keys
    std::vector<std::string> paths;  // one per range
};

// Adds `range` to `set` unless it mixes families with, or overlaps, a range already there.
void add_range(ParsedSet& set, const Range& range, const std::string& path) {
    for (std::size_t i = 0; i < set.ranges.size(); ++i) {
        const Range& other = set.ranges[i];
        if (other.subnet.family() != range.subnet.family())
            invalid(path + ".subnet " + as_json(range.subnet.to_string()) + " is " +
                    family_name(range.subnet.address()) + " but " + set.paths[i] + " is " +
                    family_name(other.subnet.address()) +
                    ": the ranges of one set give one address of one family");
        if (overlaps(range, other))
            invalid(path + " " + describe(range) + " overlaps " + set.paths[i] + " " +
                    describe(other));
    }
    set.ranges.push_back(range);
    set.paths.push_back(path);
}

ParsedSet parse_legacy_set(const json& ipam) {
    ParsedSet set{{}, "ipam", {}};
    add_range(set, parse_range(ipam, "ipam"), "ipam");
    return set;
}

ParsedSet parse_set(const json& value, const std::string& path) {
    if (!value.is_array()) invalid(path + " " + value.dump() + " is not an array of ranges");
    if (value.empty()) invalid(path + " [] is empty: a range set needs at least one range");
    ParsedSet set{{}, path, {}};
    for (std::size_t i = 0; i < value.size(); ++i) {
        std::string range_path = path + "[" + std::to_string(i) + "]";
        if (!value[i].is_object())
            invalid(range_path + " " + value[i].dump() + " is not an object");
        add_range(set, parse_range(value[i], range_path), range_path);
    }
    return set;
}

// The range sets of an array of them (the value of "ranges" or of runtimeConfig.ipRanges),
// appended to `sets`; `path` is the array's key path.
void parse_sets(const json& value, const std::string& path, std::vector<ParsedSet>& sets) {
    if (!value.is_array()) invalid(path + " " + value.dump() + " is not an array");
    for (std::size_t i = 0; i < value.size(); ++i)
        sets.push_back(parse_set(value[i], path + "[" + std::to_string(i) + "]"));
}

// Range sets in host-local's order: the runtime's ipRanges, the legacy top-level range, then
// "ranges". Each must be disjoint from all others.
std::vector<RangeSet> parse_range_sets(const json& ipam, const json* ip_ranges) {
    std::vector<ParsedSet> sets;
    if (ip_ranges && !ip_ranges->is_null()) parse_sets(*ip_ranges, "runtimeConfig.ipRanges", sets);
    bool legacy = member(ipam, "subnet") != nullptr;
    if (legacy) {
        sets.push_back(parse_legacy_set(ipam));
    } else {
        for (const char* key : {"rangeStart", "rangeEnd", "gateway"})
            if (member(ipam, key))
                invalid(std::string("ipam.") + key + " " + ipam[key].dump() +
                        " is given without ipam.subnet");
    }
    if (const json* ranges = member(ipam, "ranges")) parse_sets(*ranges, "ipam.ranges", sets);
    if (sets.empty())
        invalid(
            "ipam has neither \"ranges\" nor \"subnet\", and runtimeConfig.ipRanges is empty: "
            "no range to allocate from");

    for (std::size_t b = 0; b < sets.size(); ++b)
        for (std::size_t a = 0; a < b; ++a)
            for (const Range& x : sets[b].ranges)
                for (const Range& y : sets[a].ranges)
                    if (overlaps(x, y))
                        invalid(sets[b].path + " overlaps " + sets[a].path + ": " + describe(x) +
                                " and " + describe(y));
    std::vector<RangeSet> result;
    for (ParsedSet& set : sets) result.push_back(std::move(set.ranges));
    return result;
}

std::vector<Route> parse_routes(const json& ipam) {
    std::vector<Route> routes;
    const json* value = member(ipam, "routes");
    if (!value) return routes;
    if (!value->is_array()) invalid("ipam.routes " + value->dump() + " is not an array");
    for (std::size_t i = 0; i < value->size(); ++i) {
        const json& entry = (*value)[i];
        std::string path = "ipam.routes[" + std::to_string(i) + "]";
        if (!entry.is_object()) invalid(path + " " + entry.dump() + " is not an object");
        std::optional<std::string> dst = optional_string(entry, {path, "dst"});
        if (!dst) invalid(path + ".dst is missing");
        Route route{.dst = parse_prefix(*dst, {path, "dst"})};
        if (auto gw = optional_string(entry, {path, "gw"})) {
            route.gw = parse_address(*gw, {path, "gw"});
            if (route.gw->family() != route.dst.family())
                invalid(path + ".gw " + as_json(*gw) + " is " + family_name(*route.gw) +
                        " but dst " + as_json(*dst) + " is " + family_name(route.dst.address()));
        }
        route.mtu = optional_uint(entry, {path, "mtu"}, 65535);
        route.advmss = optional_uint(entry, {path, "advmss"}, 65535);
        route.priority = optional_uint(entry, {path, "priority"}, UINT32_MAX);
        route.table = optional_uint(entry, {path, "table"}, UINT32_MAX);
        route.scope = optional_uint(entry, {path, "scope"}, 255);
        routes.push_back(std::move(route));
    }
    return routes;
}

std::string parse_data_dir(const json& ipam) {
    std::optional<std::string> dir = optional_string(ipam, {"ipam", "dataDir"});
    if (!dir) return kDefaultDataDir;
    // A relative directory would depend on the runtime's working directory.
    if (dir->empty() || dir->front() != '/')
        invalid("ipam.dataDir " + as_json(*dir) + " is not an absolute path");
    return *dir;
}

}  // namespace

Config parse_config(const nlohmann::json& ipam, const nlohmann::json* ip_ranges) {
    if (!ipam.is_object()) invalid("ipam " + ipam.dump() + " is not an object");
    Config config;
    config.range_sets = parse_range_sets(ipam, ip_ranges);
    config.routes = parse_routes(ipam);
    config.data_dir = parse_data_dir(ipam);
    // Stored as given: the plugin reads it when it builds the result, relative paths included,
    // as host-local does. "" means unset, like an absent key.
    config.resolv_conf = optional_string(ipam, {"ipam", "resolvConf"}).value_or("");
    return config;
}

}  // namespace nsveth::ipam
