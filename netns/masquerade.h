// Per-attachment IP masquerading over nftables (libnftnl over libmnl, no `nft` binary). Everything
// lives in one table nsveth owns, `inet nsveth`, with one base chain `postrouting` (type nat, hook
// postrouting, priority srcnat = 100). Each pod address gets one rule directly in that chain:
//     ip saddr 10.22.0.5 ip daddr != 10.22.0.0/24 ip daddr != 224.0.0.0/4 masquerade comment "…"
// (ip6 … ff00::/8 for IPv6). Rules rather than a set: a set element cannot say whose it is, and two
// attachments may hold the same address for a while (ADD B before DEL A of a reused IP), so every
// rule carries its owner's tag in its comment (see masquerade_tag.h) and all lookups go by tag:
// DEL needs neither the netns nor the addresses (containernetworking/plugins#810), and removing A
// never touches B's rule for the same address. The table and chain are created on first use and
// left in place when empty, so concurrent writers never race on their existence.
//
// Each call is one nfnetlink batch transaction bound to the ruleset generation it read
// (NFNL_BATCH_GENID): if anyone changed the ruleset in between, the kernel refuses the batch
// whole and the call reads again and retries. All functions work in the calling thread's current
// network namespace (the host) and throw SystemError carrying the kernel's extack text.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/ip.h"

namespace nsveth {

/// Who a masquerade rule belongs to: the CNI attachment.
struct MasqueradeOwner {
    std::string network;
    std::string container_id;
    std::string ifname;
};

/// Masquerades traffic from each pod address (given with its subnet prefix, e.g. 10.22.0.5/24) to
/// destinations outside that subnet, multicast excluded (224.0.0.0/4, ff00::/8). Creates the
/// table/chain on first use. Replaces the rules `owner` already has in one transaction (a second
/// identical call changes nothing; an empty list leaves the owner none); other owners' rules are
/// never touched. Runs in the current namespace. Throws SystemError (EINVAL for a /0 prefix,
/// which leaves nothing to masquerade to).
void add_masquerade(const MasqueradeOwner& owner, const std::vector<IpPrefix>& addresses);

/// Removes every rule of `owner`, found by its tag (no address needed). False when there was none
/// (also when the table or chain does not exist). Runs in the current namespace. Throws
/// SystemError.
bool remove_masquerade(const MasqueradeOwner& owner);

/// True when `owner` has exactly one rule for each of `addresses` (duplicates count once), each
/// matching and acting as add_masquerade makes it, and no other rule. Runs in the current
/// namespace; changes nothing. Throws SystemError.
bool has_masquerade(const MasqueradeOwner& owner, const std::vector<IpPrefix>& addresses);

/// GC: removes the rules of `network` whose owner is not in `valid` (container_id, ifname pairs),
/// one transaction per owner; returns how many owners were removed. Continues past single
/// failures and throws the first at the end. Runs in the current namespace.
std::size_t collect_masquerade_garbage(
    const std::string& network, const std::vector<std::pair<std::string, std::string>>& valid);

}  // namespace nsveth
