// MAC parsing and formatting.
#include "common/mac.h"

#include "common/hex.h"

namespace nsveth {

std::optional<MacAddress> parse_mac(std::string_view text) {
    if (text.size() != 17) return std::nullopt;
    MacAddress mac{};
    for (std::size_t i = 0; i < 6; ++i) {
        int high = hex_digit_value(text[i * 3]), low = hex_digit_value(text[i * 3 + 1]);
        if (high < 0 || low < 0 || (i < 5 && text[i * 3 + 2] != ':')) return std::nullopt;
        mac[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    return mac;
}

std::string format_mac(const std::uint8_t* bytes, std::size_t length) {
    std::string text;
    for (std::size_t i = 0; i < length; ++i) {
        if (i) text += ':';
        append_hex(text, bytes[i], 2);
    }
    return text;
}

}  // namespace nsveth
