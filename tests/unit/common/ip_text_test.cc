// ip_text against the libc functions it replaces: on crafted edge cases and on many random inputs,
// parsing must accept exactly what inet_pton accepts, with the same bytes, and printing must give
// inet_ntop's text byte for byte.
#include "common/ip_text.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace nsveth {
namespace {

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> libc_parse(int family, const std::string& text) {
    std::array<std::uint8_t, N> bytes{};
    if (text.find('\0') != std::string::npos || inet_pton(family, text.c_str(), bytes.data()) != 1)
        return std::nullopt;
    return bytes;
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> our_parse(const std::string& text) {
    std::array<std::uint8_t, N> bytes{};
    const bool ok =
        N == 4 ? parse_ipv4_text(text, bytes.data()) : parse_ipv6_text(text, bytes.data());
    return ok ? std::optional(bytes) : std::nullopt;
}

std::string libc_format(int family, const std::uint8_t* bytes) {
    char text[INET6_ADDRSTRLEN];
    return inet_ntop(family, bytes, text, sizeof text);
}

void expect_parse_as_libc(const std::string& text) {
    EXPECT_EQ(our_parse<4>(text), libc_parse<4>(AF_INET, text)) << "IPv4 \"" << text << '"';
    EXPECT_EQ(our_parse<16>(text), libc_parse<16>(AF_INET6, text)) << "IPv6 \"" << text << '"';
}

const std::vector<std::string> kEdgeCases = {
    "",
    "0.0.0.0",
    "255.255.255.255",
    "256.0.0.1",
    "1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "1.2.3.04",
    "1.2.3.0",
    "1..2.3",
    ".1.2.3",
    "1.2.3.4.",
    "1.2.3.4 ",
    " 1.2.3.4",
    "1.2.3.-4",
    "1234.1.1.1",
    "+1.2.3.4",
    "::",
    ":::",
    "::1",
    "1::",
    "1:",
    ":1",
    "1::2::3",
    "::ffff:1.2.3.4",
    "::1.2.3.4",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::8",
    "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
    "1::1.2.3.4",
    "::1.2.3",
    "::1.2.3.4.5",
    "::01.2.3.4",
    "::1.2.3.4:5",
    "12345::",
    "fFfF::",
    "g::",
    "1:2:3:4:5:6:7:",
    ":1:2:3:4:5:6:7",
    "fd00:77:0::5",
    "0:0:0:0:0:0:0:0",
    "1::2:3.4.5.6",
    "::ffff:255.255.255.255",
    "::ffff:256.1.1.1",
    "1.2.3.4::",
    "1:2.3.4.5",
    "::%eth0",
    "fe80::1%eth0",
    "::1/128",
    "0000:0000::",
    "00000::",
};

TEST(IpText, ParsesEdgeCasesAsInetPton) {
    for (const std::string& text : kEdgeCases) expect_parse_as_libc(text);
}

TEST(IpText, ParsesRandomTextAsInetPton) {
    std::mt19937 random(20261129);
    const std::string alphabet = "0123456789abcdefABCDEF:.:.:0019fg ";
    for (int i = 0; i < 200000; ++i) {
        std::string text(random() % 24, ' ');
        for (char& c : text) c = alphabet[random() % alphabet.size()];
        expect_parse_as_libc(text);
        if (HasFailure()) return;
    }
}

TEST(IpText, FormatsAsInetNtop) {
    std::mt19937 random(11292026);
    for (int i = 0; i < 100000; ++i) {
        std::uint8_t bytes[16];
        for (std::uint8_t& byte : bytes) byte = static_cast<std::uint8_t>(random());
        // Zero groups in random places, sometimes the ::ffff: and ::/96 prefixes.
        for (int group = 0; group < 8; ++group)
            if (random() % 3 == 0) bytes[2 * group] = bytes[2 * group + 1] = 0;
        if (random() % 8 == 0) std::memset(bytes, 0, 12 - 2 * (random() % 2));
        if (random() % 8 == 0) bytes[10] = bytes[11] = 0xff;
        if (random() % 16 == 0) bytes[2 * (random() % 8)] = 0;
        ASSERT_EQ(format_ipv6_text(bytes), libc_format(AF_INET6, bytes));
        ASSERT_EQ(format_ipv4_text(bytes), libc_format(AF_INET, bytes));
        // What we print parses back to the same bytes.
        ASSERT_EQ(our_parse<16>(format_ipv6_text(bytes)),
                  libc_parse<16>(AF_INET6, libc_format(AF_INET6, bytes)));
    }
}

TEST(IpText, FormatsSpecialAddressesAsInetNtop) {
    for (const char* text :
         {"::", "::1", "1::", "::ffff:1.2.3.4", "::1.2.3.4", "::0.0.1.0", "1:0:0:1::", "1::1:0:0:1",
          "0:1::", "::1:0:0:0:0", "fd00:77::ffff:0:0", "::ffff:0:0"}) {
        const auto bytes = libc_parse<16>(AF_INET6, text);
        ASSERT_TRUE(bytes) << text;
        EXPECT_EQ(format_ipv6_text(bytes->data()), libc_format(AF_INET6, bytes->data())) << text;
    }
}

}  // namespace
}  // namespace nsveth
