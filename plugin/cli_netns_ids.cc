// The netns commands that show or assign nsids: list (names with their ids), set, list-id. All
// ids are those of the current namespace, read over one rtnetlink socket opened here.
#include <map>

#include "netns/named_netns.h"
#include "netns/netns_lookup.h"
#include "netns/nsid.h"
#include "plugin/cli_netns_commands.h"

namespace nsveth::cli {

namespace {

constexpr const char* kHere = "the current network namespace";

/// The id the current namespace has for named namespace `name`, if any. A name whose file holds
/// no namespace (a half-made or half-deleted one) has none.
std::optional<int> nsid_of_name(NetlinkSocket& socket, const std::string& name) {
    auto netns = Netns::open_if_present(named_netns_path(name));
    if (!netns) return std::nullopt;
    return find_nsid(socket, *netns);
}

/// nsid -> name for every named namespace with an id here; the first name in directory order
/// wins when several are bound to one namespace.
std::map<int, std::string> names_by_nsid(NetlinkSocket& socket) {
    std::map<int, std::string> names;
    for (const auto& name : list_named_netns())
        if (auto nsid = nsid_of_name(socket, name)) names.emplace(*nsid, name);
    return names;
}

/// One `ip netns list-id` line: "nsid N [current-nsid M ](iproute2 netns name: NAME)".
void print_entry(FdWriter& out, const NsidEntry& entry,
                 const std::map<int, std::string>& names) {
    auto number = [](int id) { return id < 0 ? std::string("unassigned") : std::to_string(id); };
    out << "nsid " << number(entry.nsid) << ' ';
    if (entry.current_nsid) out << "current-nsid " << number(*entry.current_nsid) << ' ';
    // Names are ids of the current namespace: with a target, match on the peer's id here.
    auto name = names.find(entry.current_nsid.value_or(entry.nsid));
    if (name != names.end()) out << "(iproute2 netns name: " << name->second << ')';
    out << '\n';
}

/// Parses the value after keyword `key` of list-id into `value`; a usage error otherwise.
std::optional<int> take_id(Io& io, Args args, std::size_t& index, std::optional<int>& value) {
    const std::string& key = args[index];
    if (value) return usage_error(io, "Duplicate \"" + key + "\" argument");
    if (++index == args.size()) return usage_error(io, "Missing value after \"" + key + "\"");
    value = parse_count(args[index]);
    if (!value)
        return usage_error(
            io, "Invalid \"" + key + "\" value \"" + args[index] + "\" (expected a number >= 0)");
    return std::nullopt;
}

}  // namespace

int list(Args args, Io& io) {
    if (auto extra = refuse_extra(io, "list", args, 0)) return *extra;
    NetlinkSocket socket = NetlinkSocket::open(kHere);
    for (const auto& name : list_named_netns()) {
        io.out << name;
        if (auto nsid = nsid_of_name(socket, name)) io.out << " (id: " << *nsid << ')';
        io.out << '\n';
    }
    return 0;
}

int set(Args args, Io& io) {
    if (args.empty()) return usage_error(io, "No netns name specified");
    if (args.size() < 2) return usage_error(io, "No nsid specified");
    if (auto extra = refuse_extra(io, "set", args, 2)) return *extra;
    std::optional<int> nsid = args[1] == "auto" ? kNsidUnassigned : parse_count(args[1]);
    if (!nsid)
        return usage_error(
            io, "Invalid \"netnsid\" value \"" + args[1] + "\" (expected auto or a number >= 0)");
    NetlinkSocket socket = NetlinkSocket::open(kHere);
    set_nsid(socket, open_named_netns(args[0]), *nsid);
    return 0;
}

int list_id(Args args, Io& io) {
    std::optional<int> target, nsid;
    for (std::size_t index = 0; index < args.size(); ++index) {
        std::optional<int> error;
        if (args[index] == "target-nsid")
            error = take_id(io, args, index, target);
        else if (args[index] == "nsid")
            error = take_id(io, args, index, nsid);
        else
            error = refuse_extra(io, "list-id", args, index);
        if (error) return *error;
    }
    NetlinkSocket socket = NetlinkSocket::open(kHere);
    const auto names = names_by_nsid(socket);
    if (nsid) {
        print_entry(io.out, get_nsid_entry(socket, *nsid, target), names);
        return 0;
    }
    for (const auto& entry : list_nsids(socket, target)) print_entry(io.out, entry, names);
    return 0;
}

}  // namespace nsveth::cli
