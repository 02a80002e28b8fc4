// IP address text conversion; see ip_text.h for the syntax and why it is not inet_pton/ntop.
#include "common/ip_text.h"

#include <charconv>
#include <cstring>

#include "common/hex.h"

namespace nsveth {

namespace {

void append_decimal(std::string& out, unsigned value) {
    char digits[10];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

}  // namespace

bool parse_ipv4_text(std::string_view text, std::uint8_t* out) {
    std::uint8_t bytes[4];
    std::size_t pos = 0;
    for (std::uint8_t& byte : bytes) {
        if (&byte != bytes) {
            if (pos == text.size() || text[pos] != '.') return false;
            ++pos;
        }
        const std::size_t start = pos;
        unsigned value = 0;
        while (pos < text.size() && pos - start < 3 && text[pos] >= '0' && text[pos] <= '9')
            value = value * 10 + static_cast<unsigned>(text[pos++] - '0');
        const bool leading_zero = pos - start > 1 && text[start] == '0';
        if (pos == start || value > 255 || leading_zero) return false;
        byte = static_cast<std::uint8_t>(value);
    }
    if (pos != text.size()) return false;
    std::memcpy(out, bytes, sizeof bytes);
    return true;
}

bool parse_ipv6_text(std::string_view text, std::uint8_t* out) {
    std::uint8_t bytes[16] = {};
    std::size_t filled = 0;                    // bytes parsed so far, in text order
    std::size_t gap = std::string_view::npos;  // where "::" stands, as a byte offset
    std::size_t pos = 0;
    if (text.starts_with("::")) {
        gap = 0;
        pos = 2;
    } else if (text.starts_with(':')) {
        return false;
    }
    while (pos < text.size()) {
        const std::size_t start = pos;
        unsigned group = 0;
        while (pos < text.size() && pos - start < 5 && hex_digit_value(text[pos]) >= 0)
            group = group * 16 + static_cast<unsigned>(hex_digit_value(text[pos++]));
        if (pos == start || pos - start > 4) return false;
        if (pos < text.size() && text[pos] == '.') {  // a dotted-quad tail ends the address
            if (filled > 12 || !parse_ipv4_text(text.substr(start), bytes + filled)) return false;
            filled += 4;
            break;
        }
        if (filled == 16) return false;
        bytes[filled++] = static_cast<std::uint8_t>(group >> 8);
        bytes[filled++] = static_cast<std::uint8_t>(group & 0xff);
        if (pos == text.size()) break;
        if (text[pos++] != ':' || pos == text.size()) return false;
        if (text[pos] == ':') {
            if (gap != std::string_view::npos) return false;
            gap = filled;
            ++pos;
        }
    }
    if (gap != std::string_view::npos) {
        if (filled == 16) return false;  // "::" stands for at least one group
        const std::size_t tail = filled - gap;
        std::memmove(bytes + 16 - tail, bytes + gap, tail);
        std::memset(bytes + gap, 0, 16 - filled);
    } else if (filled != 16) {
        return false;
    }
    std::memcpy(out, bytes, sizeof bytes);
    return true;
}

std::string format_ipv4_text(const std::uint8_t* bytes) {
    std::string text;
    for (int i = 0; i < 4; ++i) {
        if (i) text += '.';
        append_decimal(text, bytes[i]);
    }
    return text;
}

std::string format_ipv6_text(const std::uint8_t* bytes) {
    unsigned groups[8];
    for (int i = 0; i < 8; ++i) groups[i] = bytes[2 * i] << 8 | bytes[2 * i + 1];
    int zeros = -1, zeros_length = 0;  // the run that becomes "::"
    for (int i = 0; i < 8;) {
        int end = i;
        while (end < 8 && groups[end] == 0) ++end;
        if (end - i > zeros_length) zeros = i, zeros_length = end - i;
        i = end == i ? i + 1 : end;
    }
    if (zeros_length < 2) zeros = -1;

    std::string text;
    for (int i = 0; i < 8; ++i) {
        if (zeros >= 0 && i >= zeros && i < zeros + zeros_length) {
            if (i == zeros) text += ':';
            continue;
        }
        if (i) text += ':';
        const bool ipv4_tail = i == 6 && zeros == 0 &&
                               (zeros_length == 6 || (zeros_length == 5 && groups[5] == 0xffff));
        if (ipv4_tail) return text + format_ipv4_text(bytes + 12);
        const int digits = groups[i] >= 0x1000  ? 4
                           : groups[i] >= 0x100 ? 3
                           : groups[i] >= 0x10  ? 2
                                                : 1;
        append_hex(text, groups[i], digits);
    }
    if (zeros >= 0 && zeros + zeros_length == 8) text += ':';
    return text;
}

}  // namespace nsveth
