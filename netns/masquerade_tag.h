// The owner tag in every masquerade rule's comment. Pure string work, no kernel access.
//
// Format (at most 127 bytes plus NUL: nft and libnftnl cap comments at 128 bytes):
//     nsveth/<network hash, 16 hex>/<owner hash, 32 hex> net=<network> if=<ifname> id=<cid>
// The hashes are SHA-256 over length-prefixed fields, so no choice of names can make two owners
// alike by shifting bytes between fields: the network hash over the network name, the owner hash
// over (network, container id, ifname). Matching goes by prefix: "nsveth/<net>/" finds a network's
// rules for GC, "nsveth/<net>/<owner>" an owner's. The readable rest is for people only (bytes
// outside printable ASCII, '"' and '\' become '?'); it is cut at the length limit, which the
// hashes never are, so a long container id loses its tail in `nft list` but never its identity.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "netns/masquerade.h"

namespace nsveth {

/// Longest comment we write, without its NUL (NFTNL_UDATA_COMMENT_MAXLEN is 128 with it).
inline constexpr std::size_t kMaxMasqueradeCommentLength = 127;

/// The full comment for `owner`'s rules. Deterministic.
std::string masquerade_comment(const MasqueradeOwner& owner);

/// "nsveth/<network hash>/": the start of every comment of `network`'s rules.
std::string masquerade_network_tag(const std::string& network);

/// "nsveth/<network hash>/<owner hash>": the start of every comment of `owner`'s rules.
std::string masquerade_owner_tag(const MasqueradeOwner& owner);

/// The owner tag that `comment` starts with, or empty when it is not an nsveth comment.
std::string masquerade_owner_tag_of(std::string_view comment);

}  // namespace nsveth
