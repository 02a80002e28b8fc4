// IpAddress / IpPrefix: parsing, printing, arithmetic and containment for both families.
#include "common/ip.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace nsveth {
namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

TEST(IpAddress, ParsesAndPrintsBothFamilies) {
    EXPECT_EQ(ip("10.22.0.5").family(), AF_INET);
    EXPECT_EQ(ip("10.22.0.5").to_string(), "10.22.0.5");
    EXPECT_EQ(ip("fd00:22:0::5").family(), AF_INET6);
    EXPECT_EQ(ip("fd00:22:0::5").to_string(), "fd00:22::5");
}

TEST(IpAddress, RejectsMalformedText) {
    for (const char* bad :
         {"", "10.0.0", "10.0.0.256", "10.0.0.1/24", "fd00::1::2", "x", " 10.0.0.1"})
        EXPECT_FALSE(IpAddress::parse(bad)) << bad;
}

TEST(IpAddress, NextAndPrevCarryAcrossBytes) {
    EXPECT_EQ(ip("10.0.0.255").next(), ip("10.0.1.0"));
    EXPECT_EQ(ip("10.0.1.0").prev(), ip("10.0.0.255"));
    EXPECT_EQ(ip("255.255.255.255").next(), ip("0.0.0.0"));
    EXPECT_EQ(ip("fd00::ffff").next(), ip("fd00::1:0"));
}

TEST(IpAddress, OrdersWithinAFamily) {
    EXPECT_LT(ip("10.0.0.9"), ip("10.0.0.10"));
    EXPECT_LT(ip("fd00::9"), ip("fd00::a"));
}

TEST(IpPrefix, ParsesOnlyValidLengths) {
    EXPECT_EQ(prefix("10.0.0.0/8").length(), 8);
    EXPECT_EQ(prefix("fd00:22::/64").length(), 64);
    for (const char* bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "fd00::/129",
                            "10.0.0.0/8x"})
        EXPECT_FALSE(IpPrefix::parse(bad)) << bad;
}

TEST(IpPrefix, FirstLastAndHostBits) {
    EXPECT_EQ(prefix("10.22.0.7/24").first(), ip("10.22.0.0"));
    EXPECT_EQ(prefix("10.22.0.7/24").last(), ip("10.22.0.255"));
    EXPECT_EQ(prefix("10.22.0.0/21").last(), ip("10.22.7.255"));
    EXPECT_EQ(prefix("fd00:22::/64").last(), ip("fd00:22::ffff:ffff:ffff:ffff"));
    EXPECT_TRUE(prefix("10.22.0.7/24").has_host_bits());
    EXPECT_FALSE(prefix("10.22.0.0/24").has_host_bits());
    EXPECT_EQ(prefix("10.22.0.7/24").network().to_string(), "10.22.0.0/24");
}

TEST(IpPrefix, ContainsAndOverlaps) {
    EXPECT_TRUE(prefix("10.22.0.0/24").contains(ip("10.22.0.200")));
    EXPECT_FALSE(prefix("10.22.0.0/24").contains(ip("10.22.1.0")));
    EXPECT_FALSE(prefix("10.22.0.0/24").contains(ip("fd00::1")));
    EXPECT_TRUE(prefix("10.22.0.0/16").overlaps(prefix("10.22.5.0/24")));
    EXPECT_TRUE(prefix("10.22.5.0/24").overlaps(prefix("10.22.0.0/16")));
    EXPECT_FALSE(prefix("10.22.0.0/24").overlaps(prefix("10.23.0.0/24")));
    EXPECT_TRUE(prefix("0.0.0.0/0").contains(ip("192.0.2.1")));
}

}  // namespace
}  // namespace nsveth
