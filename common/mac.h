// Ethernet MAC addresses as text ("aa:bb:cc:dd:ee:ff") and as the six bytes netlink carries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsveth {

using MacAddress = std::array<std::uint8_t, 6>;

/// Parses six colon-separated hex pairs (either case). nullopt when malformed.
std::optional<MacAddress> parse_mac(std::string_view text);

/// Lower-case colon-separated text, the form the kernel and CNI results use.
std::string format_mac(const std::uint8_t* bytes, std::size_t length);

}  // namespace nsveth
