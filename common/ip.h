// IP addresses and prefixes of both families as plain values: parsing, printing, ordering and the
// little arithmetic IPAM and the netlink layer need. No allocation, no system state.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsveth {

class IpAddress {
public:
    /// Parses dotted IPv4 or textual IPv6 (no prefix, no zone). nullopt when malformed.
    static std::optional<IpAddress> parse(std::string_view text);
    /// Builds from raw network-order bytes: 4 for IPv4, 16 for IPv6.
    static IpAddress from_bytes(int family, const void* bytes);

    int family() const { return family_; }  // AF_INET or AF_INET6
    bool is_v4() const;
    int bit_length() const { return is_v4() ? 32 : 128; }
    std::size_t byte_length() const { return is_v4() ? 4 : 16; }
    const std::uint8_t* bytes() const { return bytes_.data(); }
    std::string to_string() const;

    /// The following/preceding address, wrapping around at the end of the family's space.
    IpAddress next() const;
    IpAddress prev() const;
    /// Keeps the first `length` bits; with `ones`, sets the remaining bits instead of clearing.
    IpAddress masked(int length, bool ones = false) const;

    auto operator<=>(const IpAddress&) const = default;

private:
    IpAddress() = default;
    int family_ = 0;
    std::array<std::uint8_t, 16> bytes_{};
};

class IpPrefix {
public:
    IpPrefix(IpAddress address, int length) : address_(address), length_(length) {}
    /// Parses "address/length"; nullopt when malformed or the length is out of range.
    static std::optional<IpPrefix> parse(std::string_view text);
    /// A host prefix: /32 or /128.
    static IpPrefix host(IpAddress address) { return {address, address.bit_length()}; }

    const IpAddress& address() const { return address_; }
    int length() const { return length_; }
    int family() const { return address_.family(); }
    std::string to_string() const;

    IpPrefix network() const { return {first(), length_}; }
    bool has_host_bits() const { return address_ != first(); }
    IpAddress first() const { return address_.masked(length_); }
    IpAddress last() const { return address_.masked(length_, true); }
    bool contains(const IpAddress& ip) const;
    bool overlaps(const IpPrefix& other) const;

    bool operator==(const IpPrefix&) const = default;

private:
    IpAddress address_;
    int length_;
};

}  // namespace nsveth
