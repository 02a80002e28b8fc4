// The nf_tables objects of masquerading: the table, the base chain, and the rule for one pod
// address, built as libnftnl objects; and reading back what identifies a dumped rule. No kernel
// access: NftSocket sends and dumps them.
//
// A rule is the expression list `nft` itself generates for
//     ip saddr A ip daddr != S ip daddr != 224.0.0.0/4 masquerade
// in an inet table: meta nfproto check, source compare, then per destination prefix a payload
// load of the prefix's whole bytes (plus a bitwise mask when the prefix ends inside a byte) and a
// not-equal compare; then masq. Matching what nft emits keeps `nft list ruleset` readable.
#pragma once

// clang-format off
// glibc's netinet/in.h first: included after linux/in.h (via linux/netfilter.h) it clashes.
#include <netinet/in.h>
#include <linux/netfilter.h>
// clang-format on

#include <cstdint>
#include <string>

#include "common/ip.h"
#include "netns/nftables_batch.h"

namespace nsveth {

/// Family, table and chain nsveth's masquerade rules live in.
inline constexpr std::uint32_t kMasqueradeFamily = NFPROTO_INET;
inline constexpr const char* kMasqueradeTable = "nsveth";
inline constexpr const char* kMasqueradeChain = "postrouting";

/// `inet nsveth`. The caller owns the object.
NftTable masquerade_table();
/// The base chain `postrouting`: type nat, hook postrouting, priority srcnat (100).
NftChain masquerade_chain();

/// The masquerade rule for pod `address` (with its subnet prefix) carrying `comment` in its
/// userdata. Throws SystemError(EINVAL) for a /0 prefix (nothing lies outside it).
NftRule masquerade_rule(const IpPrefix& address, const std::string& comment);

/// A rule of our chain that deletes the rule with `handle` when sent as NFT_MSG_DELRULE.
NftRule masquerade_rule_handle(std::uint64_t handle);

/// What a rule does, as text: its expressions in order, printed by libnftnl. Two rules with the
/// same fingerprint match the same packets and act alike; comments and handles are not part of it.
std::string rule_fingerprint(const nftnl_rule& rule);

/// The rule's comment (NFTNL_UDATA_RULE_COMMENT in its userdata), empty when it has none.
std::string rule_comment(const nftnl_rule& rule);

}  // namespace nsveth
