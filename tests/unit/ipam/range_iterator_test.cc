// RangeIterator: host-local's round-robin order — start after the cursor, walk ranges in order,
// wrap, skip gateways, stop after one full turn.
#include "ipam/range_iterator.h"

#include <gtest/gtest.h>

#include <vector>

namespace nsveth::ipam {
namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

Range range(const char* subnet, const char* start, const char* end, const char* gateway) {
    return Range{*IpPrefix::parse(subnet), ip(start), ip(end), ip(gateway)};
}

// Everything the iterator offers, as text, "@<range>" appended when `with_range`.
std::vector<std::string> offered(const RangeSet& set, std::optional<IpAddress> last,
                                 bool with_range = false) {
    std::vector<std::string> result;
    RangeIterator walk(set, last);
    while (auto candidate = walk.next()) {
        result.push_back(candidate->address.to_string() +
                         (with_range ? "@" + std::to_string(candidate->range) : ""));
        if (result.size() > 1000) break;  // a bug, not an answer
    }
    return result;
}

using Texts = std::vector<std::string>;

TEST(RangeIterator, FreshSetStartsAtRangeStartAndSkipsTheGateway) {
    RangeSet set{range("10.0.0.0/29", "10.0.0.1", "10.0.0.6", "10.0.0.1")};
    EXPECT_EQ(offered(set, std::nullopt),
              (Texts{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}));
}

TEST(RangeIterator, StartsAfterTheLastReservedAndWraps) {
    RangeSet set{range("10.0.0.0/29", "10.0.0.1", "10.0.0.6", "10.0.0.1")};
    EXPECT_EQ(offered(set, ip("10.0.0.4")),
              (Texts{"10.0.0.5", "10.0.0.6", "10.0.0.2", "10.0.0.3", "10.0.0.4"}));
}

TEST(RangeIterator, LastReservedAtRangeEndMovesToTheNextRange) {
    RangeSet set{range("10.0.0.0/24", "10.0.0.10", "10.0.0.11", "10.0.0.1"),
                 range("10.0.1.0/24", "10.0.1.20", "10.0.1.21", "10.0.1.1")};
    EXPECT_EQ(offered(set, ip("10.0.0.11"), true),
              (Texts{"10.0.1.20@1", "10.0.1.21@1", "10.0.0.10@0", "10.0.0.11@0"}));
    EXPECT_EQ(offered(set, ip("10.0.1.21"), true),
              (Texts{"10.0.0.10@0", "10.0.0.11@0", "10.0.1.20@1", "10.0.1.21@1"}));
}

TEST(RangeIterator, CursorOutsideEveryRangeRestartsAtTheFirstRange) {
    RangeSet set{range("10.0.0.0/24", "10.0.0.10", "10.0.0.12", "10.0.0.1")};
    for (const char* last : {"10.0.0.200", "10.0.0.1", "fd00::11", "10.9.9.9"})
        EXPECT_EQ(offered(set, ip(last)), (Texts{"10.0.0.10", "10.0.0.11", "10.0.0.12"})) << last;
}

TEST(RangeIterator, SkipsAGatewayInsideTheRangeAndThoseOfOtherRanges) {
    RangeSet set{range("10.0.0.0/24", "10.0.0.10", "10.0.0.13", "10.0.0.11"),
                 range("10.0.0.0/24", "10.0.0.20", "10.0.0.22", "10.0.0.12")};
    EXPECT_EQ(offered(set, std::nullopt),
              (Texts{"10.0.0.10", "10.0.0.13", "10.0.0.20", "10.0.0.21", "10.0.0.22"}));
}

TEST(RangeIterator, SingleAddressRange) {
    RangeSet set{range("10.0.0.0/24", "10.0.0.7", "10.0.0.7", "10.0.0.1")};
    EXPECT_EQ(offered(set, std::nullopt), (Texts{"10.0.0.7"}));
    EXPECT_EQ(offered(set, ip("10.0.0.7")), (Texts{"10.0.0.7"}));
    RangeSet only_gateway{range("10.0.0.0/24", "10.0.0.1", "10.0.0.1", "10.0.0.1")};
    EXPECT_EQ(offered(only_gateway, std::nullopt), Texts{});
}

TEST(RangeIterator, Ipv6CarriesAcrossBytes) {
    RangeSet set{range("fd00::/64", "fd00::fe", "fd00::101", "fd00::1")};
    EXPECT_EQ(offered(set, ip("fd00::ff")),
              (Texts{"fd00::100", "fd00::101", "fd00::fe", "fd00::ff"}));
}

}  // namespace
}  // namespace nsveth::ipam
