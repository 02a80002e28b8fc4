// Hexadecimal digits in and out, shared by MACs, IPv6 text, veth names, digests and escaped
// bytes. Plain code rather than printf: "%02x" would map libc's formatting code (128 KiB of it,
// since the kernel maps code 64 KiB at a time) into every plugin process for a few characters.
#pragma once

#include <cstdint>
#include <string>

namespace nsveth {

/// The value of hexadecimal digit `c` (either case), or -1 when it is none.
inline int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Appends the `digits` lowest hexadecimal digits of `value` to `out`, most significant first.
inline void append_hex(std::string& out, std::uint64_t value, int digits) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        out += kDigits[(value >> shift) & 0xf];
}

}  // namespace nsveth
