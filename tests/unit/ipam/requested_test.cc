// reserve() with requested addresses: each lands exactly in the range set that holds it, the
// other sets allocate round-robin, and every refusal is CniError(kAddressUnavailable) naming the
// address and the reason, with nothing left reserved.
#include <gtest/gtest.h>

#include "ipam/ipam.h"
#include "ipam_fixture.h"

namespace nsveth::ipam {
namespace {

using nlohmann::json;
using test::attachment;
using test::expect_cni_error;
using test::ip;
using test::kNetwork;
using test::names_in;
using test::read_text;
using test::texts;
using Texts = std::vector<std::string>;

class RequestedTest : public test::IpamTest {
protected:
    // Set 0: 10.22.0.0/24 in two ranges (.10-.19 with gateway .1, and 10.23.0.0/24 .50-.60 with
    // gateway .55); set 1: fd00::/64.
    Config two_sets() const {
        return config_for(json::array({json::array({{{"subnet", "10.22.0.0/24"},
                                                     {"rangeStart", "10.22.0.10"},
                                                     {"rangeEnd", "10.22.0.19"}},
                                                    {{"subnet", "10.23.0.0/24"},
                                                     {"rangeStart", "10.23.0.50"},
                                                     {"rangeEnd", "10.23.0.60"},
                                                     {"gateway", "10.23.0.55"}}}),
                                       json::array({{{"subnet", "fd00::/64"}}})}));
    }

    // Expects reserve(who, requested) to fail with 104 and every fragment, leaving the store as
    // it was.
    void expect_unavailable(const Config& config, const std::vector<IpAddress>& requested,
                            std::initializer_list<std::string> fragments) {
        std::set<std::string> files = address_files();
        std::set<std::string> indexes = names_in(store_path("attachments"));
        std::string cursor0 = read_text(store_path("last_reserved_ip.0"));
        std::string cursor1 = read_text(store_path("last_reserved_ip.1"));
        expect_cni_error([&] { reserve(config, kNetwork, attachment("late"), requested); },
                         kAddressUnavailable, fragments);
        EXPECT_EQ(address_files(), files);
        EXPECT_EQ(names_in(store_path("attachments")), indexes);
        EXPECT_EQ(read_text(store_path("last_reserved_ip.0")), cursor0);
        EXPECT_EQ(read_text(store_path("last_reserved_ip.1")), cursor1);
        EXPECT_EQ(temp_files(), std::set<std::string>{});
        EXPECT_TRUE(reserved(config, kNetwork, attachment("late")).empty());
    }
};

TEST_F(RequestedTest, RequestedAddressIsReservedExactlyAndMovesTheCursor) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    std::vector<Allocation> got = reserve(config, kNetwork, attachment("a"), {ip("10.22.0.50")});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].address.to_string(), "10.22.0.50/24");
    EXPECT_EQ(got[0].gateway.to_string(), "10.22.0.1");
    EXPECT_EQ(read_text(store_path("10.22.0.50")), "a\r\neth0");
    EXPECT_EQ(read_text(index_path(attachment("a"))), "10.22.0.50\n");
    // As host-local: the cursor follows requested reservations too.
    EXPECT_EQ(read_text(store_path("last_reserved_ip.0")), "10.22.0.50");
    EXPECT_EQ(test::reserve_one(config, attachment("b")), "10.22.0.51");
}

TEST_F(RequestedTest, EachRequestGoesToItsSetAndTheOthersAllocateRoundRobin) {
    Config config = two_sets();
    EXPECT_EQ(texts(reserve(config, kNetwork, attachment("a"))),
              (Texts{"10.22.0.10/24", "fd00::2/64"}));
    // Given in the "wrong" order: placement is by containment, results by range set.
    std::vector<Allocation> got =
        reserve(config, kNetwork, attachment("b"), {ip("fd00::99"), ip("10.23.0.57")});
    EXPECT_EQ(texts(got), (Texts{"10.23.0.57/24", "fd00::99/64"}));
    EXPECT_EQ(got[0].gateway.to_string(), "10.23.0.55");  // the gateway of the range it is in
    // Only set 1 requested: set 0 continues round-robin after its cursor (.57 now).
    EXPECT_EQ(texts(reserve(config, kNetwork, attachment("c"), {ip("fd00::5")})),
              (Texts{"10.23.0.58/24", "fd00::5/64"}));
    EXPECT_EQ(read_text(index_path(attachment("c"))), "10.23.0.58\nfd00::5\n");
    EXPECT_EQ(read_text(store_path("last_reserved_ip.1")), "fd00::5");
    release(config, kNetwork, attachment("b"));
    EXPECT_EQ(address_files(),
              (std::set<std::string>{"10.22.0.10", "fd00::2", "10.23.0.58", "fd00::5"}));
}

TEST_F(RequestedTest, OutsideEveryRangeIsRefused) {
    Config config = two_sets();
    reserve(config, kNetwork, attachment("a"));
    expect_unavailable(config, {ip("10.99.0.5")},
                       {"requested address 10.99.0.5", "in no range of network testnet",
                        "10.22.0.0/24, 10.23.0.0/24, fd00::/64"});
    // Inside a subnet but outside [rangeStart, rangeEnd].
    expect_unavailable(config, {ip("10.22.0.20")}, {"requested address 10.22.0.20", "no range"});
    expect_unavailable(config, {ip("10.22.0.0")}, {"requested address 10.22.0.0", "no range"});
}

TEST_F(RequestedTest, AGatewayOfTheSetIsRefused) {
    Config config = config_for(json::array({json::array(
        {{{"subnet", "10.22.0.0/24"}, {"rangeEnd", "10.22.0.100"}},
         {{"subnet", "10.22.0.0/24"}, {"rangeStart", "10.22.0.101"}, {"gateway", "10.22.0.7"}},
         {{"subnet", "10.23.0.0/24"}}})}));
    reserve(config, kNetwork, attachment("a"));
    expect_unavailable(config, {ip("10.22.0.1")},
                       {"requested address 10.22.0.1 is a gateway of range set 0",
                        "(10.22.0.0/24, 10.23.0.0/24) of network testnet"});
    // In the first range, but the gateway of the second range of the same set.
    expect_unavailable(config, {ip("10.22.0.7")}, {"requested address 10.22.0.7 is a gateway"});
    expect_unavailable(config, {ip("10.23.0.1")}, {"requested address 10.23.0.1 is a gateway"});
}

TEST_F(RequestedTest, TwoRequestsInOneSetAreRefused) {
    Config config = two_sets();
    reserve(config, kNetwork, attachment("a"));
    expect_unavailable(config, {ip("10.22.0.15"), ip("fd00::7"), ip("10.23.0.51")},
                       {"requested address 10.23.0.51 falls in range set 0",
                        "like requested address 10.22.0.15", "one address per attachment"});
    expect_unavailable(config, {ip("fd00::7"), ip("fd00::7")},
                       {"requested address fd00::7 falls in range set 1"});
}

TEST_F(RequestedTest, ATakenAddressIsRefused) {
    Config config = two_sets();
    reserve(config, kNetwork, attachment("a"));  // 10.22.0.10, fd00::2
    plant("fd00::9", "legacy-id");
    expect_unavailable(
        config, {ip("10.22.0.10")},
        {"requested address 10.22.0.10 is already reserved in range set 0", "of network testnet"});
    expect_unavailable(config, {ip("10.22.0.11"), ip("fd00::9")},
                       {"requested address fd00::9 is already reserved in range set 1"});
    EXPECT_EQ(read_text(store_path("fd00::9")), "legacy-id");
    expect_cni_error([&] { reserve(config, kNetwork, attachment("a", "eth1"), {ip("fd00::2")}); },
                     kAddressUnavailable, {"fd00::2", "already reserved"});
}

TEST_F(RequestedTest, AfterAFailureTheOtherSetStillAllocates) {
    Config config = two_sets();
    reserve(config, kNetwork, attachment("a"));  // 10.22.0.10, fd00::2
    expect_unavailable(config, {ip("fd00::2")}, {"fd00::2", "already reserved"});
    // The failed call reserved nothing in set 0, so the same attachment goes on normally.
    EXPECT_EQ(texts(reserve(config, kNetwork, attachment("late"))),
              (Texts{"10.22.0.11/24", "fd00::3/64"}));
    EXPECT_EQ(texts(reserve(config, kNetwork, attachment("later"), {ip("fd00::2:1")})),
              (Texts{"10.22.0.12/24", "fd00::2:1/64"}));
}

TEST_F(RequestedTest, RequestedAddressOfAFullSetIsStillExhaustionForTheOthers) {
    // Set 0 is a /30 with one allocatable address; set 1 gets a requested one. When set 0 is
    // full the whole call fails with 102 and the requested address is not kept either.
    Config config = config_for(json::array(
        {json::array({{{"subnet", "10.22.0.0/30"}}}), json::array({{{"subnet", "fd00::/64"}}})}));
    reserve(config, kNetwork, attachment("a"));
    expect_cni_error([&] { reserve(config, kNetwork, attachment("b"), {ip("fd00::77")}); },
                     kAddressExhausted, {"range set 0"});
    EXPECT_EQ(address_files(), (std::set<std::string>{"10.22.0.2", "fd00::2"}));
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{"a@eth0"});
}

}  // namespace
}  // namespace nsveth::ipam
