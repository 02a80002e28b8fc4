// IpAddress and IpPrefix: text conversion through ip_text.h, arithmetic on the big-endian byte
// array so that both families share one implementation.
#include "common/ip.h"

#include <sys/socket.h>

#include <charconv>
#include <cstring>

#include "common/ip_text.h"

namespace nsveth {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    IpAddress ip;
    if (parse_ipv4_text(text, ip.bytes_.data())) {
        ip.family_ = AF_INET;
        return ip;
    }
    if (parse_ipv6_text(text, ip.bytes_.data())) {
        ip.family_ = AF_INET6;
        return ip;
    }
    return std::nullopt;
}

IpAddress IpAddress::from_bytes(int family, const void* bytes) {
    IpAddress ip;
    ip.family_ = family;
    std::memcpy(ip.bytes_.data(), bytes, family == AF_INET ? 4 : 16);
    return ip;
}

bool IpAddress::is_v4() const { return family_ == AF_INET; }

std::string IpAddress::to_string() const {
    return is_v4() ? format_ipv4_text(bytes_.data()) : format_ipv6_text(bytes_.data());
}

IpAddress IpAddress::next() const {
    IpAddress ip = *this;
    for (int i = static_cast<int>(byte_length()) - 1; i >= 0; --i)
        if (++ip.bytes_[i] != 0) break;
    return ip;
}

IpAddress IpAddress::prev() const {
    IpAddress ip = *this;
    for (int i = static_cast<int>(byte_length()) - 1; i >= 0; --i)
        if (ip.bytes_[i]-- != 0) break;
    return ip;
}

IpAddress IpAddress::masked(int length, bool ones) const {
    IpAddress ip = *this;
    for (int i = 0; i < static_cast<int>(byte_length()); ++i) {
        int keep = std::min(8, std::max(0, length - i * 8));  // leading bits of this byte kept
        std::uint8_t host_mask = keep == 8 ? 0 : static_cast<std::uint8_t>(0xff >> keep);
        ip.bytes_[i] = ones ? (ip.bytes_[i] | host_mask) : (ip.bytes_[i] & ~host_mask);
    }
    return ip;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) return std::nullopt;
    std::string_view digits = text.substr(slash + 1);
    int length = -1;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
        length < 0 || length > address->bit_length())
        return std::nullopt;
    return IpPrefix(*address, length);
}

std::string IpPrefix::to_string() const {
    return address_.to_string() + "/" + std::to_string(length_);
}

bool IpPrefix::contains(const IpAddress& ip) const {
    return ip.family() == family() && ip.masked(length_) == first();
}

bool IpPrefix::overlaps(const IpPrefix& other) const {
    return other.family() == family() && (contains(other.first()) || other.contains(first()));
}

}  // namespace nsveth
