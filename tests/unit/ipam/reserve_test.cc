// reserve(): the on-disk records it leaves, round-robin order, gateway skipping, range bounds,
// one address per range set, exhaustion and every other failure leaving nothing reserved.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "ipam/ipam.h"
#include "ipam_fixture.h"

namespace nsveth::ipam {
namespace {

using nlohmann::json;
using test::attachment;
using test::expect_cni_error;
using test::kNetwork;
using test::names_in;
using test::read_text;
using test::reserve_one;
using Texts = std::vector<std::string>;

class ReserveTest : public test::IpamTest {};

TEST_F(ReserveTest, FirstAddressSkipsTheGatewayAndIsRecordedOnDisk) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    std::vector<Allocation> got = reserve(config, kNetwork, attachment("c1"));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].address.to_string(), "10.22.0.2/24");
    EXPECT_EQ(got[0].gateway.to_string(), "10.22.0.1");

    EXPECT_EQ(read_text(store_path("10.22.0.2")), "c1\r\neth0");
    EXPECT_EQ(test::mode_of(store_path("10.22.0.2")), 0600);
    EXPECT_EQ(read_text(store_path("last_reserved_ip.0")), "10.22.0.2");
    EXPECT_EQ(read_text(index_path(attachment("c1"))), "10.22.0.2\n");
    EXPECT_EQ(read_text(store_path("lock")), "");
    EXPECT_EQ(names_in(store_path()), (std::set<std::string>{"10.22.0.2", "attachments", "boot_id",
                                                             "last_reserved_ip.0", "lock"}));
    EXPECT_EQ(read_text(store_path("boot_id")), read_text("/proc/sys/kernel/random/boot_id"));
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{"c1@eth0"});
}

TEST_F(ReserveTest, CreatesTheDataDirectory) {
    Config config = parse_config({{"subnet", "10.22.0.0/24"}, {"dataDir", dir_ + "/deep/er"}});
    mode_t old_mask = ::umask(022);
    reserve(config, "n", attachment("c1"));
    ::umask(old_mask);
    EXPECT_EQ(test::mode_of(dir_ + "/deep/er/n"), 0755);
    EXPECT_EQ(test::mode_of(dir_ + "/deep/er/n/attachments"), 0755);
    EXPECT_EQ(read_text(dir_ + "/deep/er/n/10.22.0.2"), "c1\r\neth0");
}

TEST_F(ReserveTest, SuccessiveAttachmentsGetSuccessiveAddresses) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    EXPECT_EQ(reserve_one(config, attachment("c1")), "10.22.0.2");
    EXPECT_EQ(reserve_one(config, attachment("c2")), "10.22.0.3");
    EXPECT_EQ(reserve_one(config, attachment("c1", "eth1")), "10.22.0.4");
    EXPECT_EQ(read_text(store_path("10.22.0.4")), "c1\r\neth1");
}

TEST_F(ReserveTest, RoundRobinDoesNotHandBackAReleasedAddressAtOnce) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    EXPECT_EQ(reserve_one(config, attachment("c1")), "10.22.0.2");
    release(config, kNetwork, attachment("c1"));
    EXPECT_EQ(reserve_one(config, attachment("c1")), "10.22.0.3");
    EXPECT_FALSE(std::filesystem::exists(store_path("10.22.0.2")));
}

TEST_F(ReserveTest, RangeStartAndEndAreHonouredAndTheWalkWraps) {
    Config config = config_for_range(
        {{"subnet", "10.22.0.0/24"}, {"rangeStart", "10.22.0.10"}, {"rangeEnd", "10.22.0.12"}});
    EXPECT_EQ(reserve_one(config, attachment("a")), "10.22.0.10");
    EXPECT_EQ(reserve_one(config, attachment("b")), "10.22.0.11");
    EXPECT_EQ(reserve_one(config, attachment("c")), "10.22.0.12");
    release(config, kNetwork, attachment("b"));
    EXPECT_EQ(reserve_one(config, attachment("d")),
              "10.22.0.11");  // wrapped past .12 to .10 (taken)
    EXPECT_EQ(address_files(), (std::set<std::string>{"10.22.0.10", "10.22.0.11", "10.22.0.12"}));
}

TEST_F(ReserveTest, ExplicitGatewayInsideTheRangeIsSkipped) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"},
                                      {"rangeStart", "10.22.0.10"},
                                      {"rangeEnd", "10.22.0.12"},
                                      {"gateway", "10.22.0.11"}});
    EXPECT_EQ(reserve_one(config, attachment("a")), "10.22.0.10");
    std::vector<Allocation> got = reserve(config, kNetwork, attachment("b"));
    EXPECT_EQ(got[0].address.to_string(), "10.22.0.12/24");
    EXPECT_EQ(got[0].gateway.to_string(), "10.22.0.11");
    expect_cni_error([&] { reserve(config, kNetwork, attachment("c")); }, kAddressExhausted, {});
}

TEST_F(ReserveTest, CursorOutsideTheRangeRestartsAtRangeStart) {
    Config config = config_for_range(
        {{"subnet", "10.22.0.0/24"}, {"rangeStart", "10.22.0.10"}, {"rangeEnd", "10.22.0.20"}});
    plant("last_reserved_ip.0", "10.22.0.99");
    EXPECT_EQ(reserve_one(config, attachment("a")), "10.22.0.10");
    plant("last_reserved_ip.0", "garbage");
    EXPECT_EQ(reserve_one(config, attachment("b")), "10.22.0.11");
    plant("last_reserved_ip.0", "10.22.0.15");
    EXPECT_EQ(reserve_one(config, attachment("c")), "10.22.0.16");
}

TEST_F(ReserveTest, AddressesTakenByOthersAreSkipped) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    plant("10.22.0.2", "legacy-host-local-id");  // host-local's old id-only record
    plant("10.22.0.3", "other\r\neth0");
    EXPECT_EQ(reserve_one(config, attachment("a")), "10.22.0.4");
    EXPECT_EQ(read_text(store_path("10.22.0.2")), "legacy-host-local-id");
    EXPECT_EQ(read_text(store_path("10.22.0.3")), "other\r\neth0");
}

TEST_F(ReserveTest, OneAddressPerRangeSet) {
    Config config = config_for(
        json::array({json::array({{{"subnet", "10.22.0.0/24"}}}),
                     json::array({{{"subnet", "fd00:22::/64"}, {"gateway", "fd00:22::fe"}}})}));
    std::vector<Allocation> got = reserve(config, kNetwork, attachment("c1"));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].address.to_string(), "10.22.0.2/24");
    EXPECT_EQ(got[0].gateway.to_string(), "10.22.0.1");
    EXPECT_EQ(got[1].address.to_string(),
              "fd00:22::1/64");  // the default .1 is not the gateway here
    EXPECT_EQ(got[1].gateway.to_string(), "fd00:22::fe");
    EXPECT_EQ(read_text(store_path("fd00:22::1")), "c1\r\neth0");
    EXPECT_EQ(read_text(store_path("last_reserved_ip.1")), "fd00:22::1");
    EXPECT_EQ(read_text(index_path(attachment("c1"))), "10.22.0.2\nfd00:22::1\n");
}

TEST_F(ReserveTest, TwoRangesOfOneSetAreUsedInOrder) {
    Config config = config_for(
        json::array({json::array({{{"subnet", "10.22.0.0/30"}},
                                  {{"subnet", "10.23.0.0/24"}, {"rangeStart", "10.23.0.50"}}})}));
    std::vector<Allocation> first = reserve(config, kNetwork, attachment("a"));
    std::vector<Allocation> second = reserve(config, kNetwork, attachment("b"));
    EXPECT_EQ(first[0].address.to_string(), "10.22.0.2/30");
    EXPECT_EQ(second[0].address.to_string(), "10.23.0.50/24");
    EXPECT_EQ(second[0].gateway.to_string(), "10.23.0.1");
}

TEST_F(ReserveTest, ExhaustionLeavesNothingFromTheOtherSets) {
    // Set 0 has room, set 1 (a /30 whose only non-gateway address is .2) does not after "a".
    Config config = config_for(json::array({json::array({{{"subnet", "fd00:22::/64"}}}),
                                            json::array({{{"subnet", "10.22.0.0/30"}}})}));
    EXPECT_EQ(test::texts(reserve(config, kNetwork, attachment("a"))),
              (Texts{"fd00:22::2/64", "10.22.0.2/30"}));
    expect_cni_error([&] { reserve(config, kNetwork, attachment("b")); }, kAddressExhausted,
                     {"no free address in range set 1", "10.22.0.0/30", kNetwork});
    EXPECT_EQ(address_files(), (std::set<std::string>{"fd00:22::2", "10.22.0.2"}));
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{"a@eth0"});
    EXPECT_EQ(read_text(store_path("last_reserved_ip.0")), "fd00:22::2");
    EXPECT_TRUE(reserved(config, kNetwork, attachment("b")).empty());
    // After "a" leaves, "b" fits.
    release(config, kNetwork, attachment("a"));
    EXPECT_EQ(test::texts(reserve(config, kNetwork, attachment("b"))),
              (Texts{"fd00:22::3/64", "10.22.0.2/30"}));
}

TEST_F(ReserveTest, ExhaustionMessageListsEverySubnetOfTheSet) {
    Config config = config_for(json::array({json::array(
        {{{"subnet", "10.22.0.0/30"}}, {{"subnet", "10.23.0.0/30"}, {"gateway", "10.23.0.2"}}})}));
    reserve(config, kNetwork, attachment("a"));
    reserve(config, kNetwork, attachment("b"));
    expect_cni_error([&] { reserve(config, kNetwork, attachment("c")); }, kAddressExhausted,
                     {"range set 0 (10.22.0.0/30, 10.23.0.0/30) of network testnet"});
}

TEST_F(ReserveTest, SecondReserveForTheSameAttachmentIsRefused) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    reserve(config, kNetwork, attachment("c1"));
    expect_cni_error([&] { reserve(config, kNetwork, attachment("c1")); }, kInvalidEnvironment,
                     {"attachment c1/eth0 already holds addresses in network testnet"});
    EXPECT_EQ(address_files(), std::set<std::string>{"10.22.0.2"});
    EXPECT_EQ(test::texts(reserved(config, kNetwork, attachment("c1"))), Texts{"10.22.0.2"});
}

TEST_F(ReserveTest, StaleIndexWithoutReservationsDoesNotBlock) {
    // A crash after the index was written but before any address file was linked.
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    plant("attachments/c1@eth0", "10.22.0.7\n");
    EXPECT_EQ(reserve_one(config, attachment("c1")), "10.22.0.2");
    EXPECT_EQ(read_text(index_path(attachment("c1"))), "10.22.0.2\n");
}

TEST_F(ReserveTest, FailureAfterClaimingUndoesEverything) {
    // last_reserved_ip.1 is a directory, so recording the cursor fails after both claims.
    Config config = config_for(json::array(
        {json::array({{{"subnet", "10.22.0.0/24"}}}), json::array({{{"subnet", "fd00::/64"}}})}));
    std::filesystem::create_directories(store_path("last_reserved_ip.1/blocker"));
    EXPECT_THROW(reserve(config, kNetwork, attachment("c1")), SystemError);
    EXPECT_EQ(address_files(), std::set<std::string>{});
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{});
    for (const std::string& name : names_in(store_path()))
        EXPECT_NE(name.rfind(".tmp.", 0), 0u) << "temp file left: " << name;
}

TEST_F(ReserveTest, BadNamesAreRefusedBeforeTouchingTheDisk) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    expect_cni_error([&] { reserve(config, kNetwork, attachment("a/b")); }, kInvalidEnvironment,
                     {"container ID \"a/b\""});
    expect_cni_error([&] { reserve(config, kNetwork, attachment("a@b")); }, kInvalidEnvironment,
                     {"container ID \"a@b\""});
    expect_cni_error([&] { reserve(config, kNetwork, attachment("")); }, kInvalidEnvironment,
                     {"container ID is empty"});
    expect_cni_error([&] { reserve(config, kNetwork, attachment("c", "../x")); },
                     kInvalidEnvironment, {"interface name \"../x\""});
    expect_cni_error([&] { reserve(config, kNetwork, attachment("c", "e\n0")); },
                     kInvalidEnvironment, {"interface name \"e\\n0\""});
    expect_cni_error([&] { reserve(config, kNetwork, attachment("c", "")); }, kInvalidEnvironment,
                     {"interface name is empty"});
    for (const char* network : {"", ".", "..", "a/b"})
        expect_cni_error([&] { reserve(config, network, attachment("c")); }, kInvalidConfig,
                         {"network name \"" + std::string(network) + "\""});
    // "<container id>@<ifname>" and the network directory must fit a file name (255 bytes).
    expect_cni_error([&] { reserve(config, kNetwork, attachment(std::string(251, 'c'))); },
                     kInvalidEnvironment, {"is too long", "(255 bytes)"});
    release(config, kNetwork, attachment(std::string(251, 'c')));  // nothing stored: no error
    expect_cni_error([&] { reserve(config, std::string(256, 'n'), attachment("c")); },
                     kInvalidConfig, {"cannot be used as a directory name"});
    EXPECT_EQ(names_in(dir_), std::set<std::string>{});
}

TEST_F(ReserveTest, ConcurrentReservationsNeverShareAnAddress) {
    Config config = config_for_range({{"subnet", "10.22.0.0/26"}});  // 61 allocatable
    constexpr int kThreads = 4, kEach = 12;
    std::vector<std::vector<std::string>> got(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i)
                got[t].push_back(reserve_one(
                    config, attachment("c" + std::to_string(t) + "-" + std::to_string(i))));
        });
    for (std::thread& thread : threads) thread.join();
    std::set<std::string> all;
    for (const auto& list : got) all.insert(list.begin(), list.end());
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
    EXPECT_EQ(address_files(), all);
}

}  // namespace
}  // namespace nsveth::ipam
