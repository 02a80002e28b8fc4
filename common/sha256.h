// SHA-256 for stable identifiers (e.g. the owner tags of masquerade rules). Not for secrets.
#pragma once

#include <string>
#include <string_view>

namespace nsveth {

/// SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace nsveth
