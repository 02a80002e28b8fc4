// IP address text in both directions, with the exact syntax and output of inet_pton/inet_ntop
// (dotted quads without leading zeros; RFC 4291 IPv6 with "::" and an IPv4 tail; RFC 5952
// lower-case compressed output). Our own code because glibc's inet_ntop formats through
// sprintf: together they mapped three 64 KiB windows of libc code into every plugin process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nsveth {

/// Parses "a.b.c.d" into 4 network-order bytes; false (and `out` untouched) when malformed.
bool parse_ipv4_text(std::string_view text, std::uint8_t* out);
/// Parses an IPv6 address (no prefix, no zone) into 16 bytes; false (`out` untouched) when
/// malformed.
bool parse_ipv6_text(std::string_view text, std::uint8_t* out);

std::string format_ipv4_text(const std::uint8_t* bytes);
/// The longest run of two or more zero groups (the first on ties) becomes "::"; IPv4-compatible
/// and IPv4-mapped addresses end in a dotted quad, as inet_ntop prints them.
std::string format_ipv6_text(const std::uint8_t* bytes);

}  // namespace nsveth
