// Reservations never outlive the boot they were made in: a store opened for writing under another
// boot id loses every reservation (cursors stay); a store without a boot id keeps its
// reservations, indexes those without an index and adopts the current one; reading an earlier
// boot's store finds nothing.
// The boot id comes from a fake file here, so a "reboot" is rewriting it.
#include "ipam/boot_id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "ipam/ipam.h"
#include "ipam_fixture.h"

namespace nsveth::ipam {
namespace {

using test::attachment;
using test::kNetwork;
using test::names_in;
using test::read_text;
using test::reserve_one;
using test::texts;
using Texts = std::vector<std::string>;

class BootIdTest : public test::IpamTest {
protected:
    void SetUp() override {
        IpamTest::SetUp();
        source_ = dir_ + "/fake_boot_id";
        boot("11111111-aaaa-4aaa-8aaa-000000000001");
        set_boot_id_source_for_testing(source_);
    }
    void TearDown() override {
        set_boot_id_source_for_testing("");
        IpamTest::TearDown();
    }
    /// The kernel "reboots" with boot id `id`.
    void boot(const std::string& id) const { std::ofstream(source_) << id << "\n"; }

    std::string source_;
};

TEST_F(BootIdTest, TheCurrentBootIdIsReadTrimmed) {
    EXPECT_EQ(current_boot_id(), "11111111-aaaa-4aaa-8aaa-000000000001");
    set_boot_id_source_for_testing("");
    std::string kernel = current_boot_id();
    EXPECT_EQ(kernel.size(), 36u) << kernel;
    EXPECT_EQ(read_text(kKernelBootIdPath), kernel + "\n");
}

TEST_F(BootIdTest, FirstWriteRecordsTheBootId) {
    reserve(dual_stack(), kNetwork, attachment("a"));
    EXPECT_EQ(read_text(store_path("boot_id")), "11111111-aaaa-4aaa-8aaa-000000000001\n");
    EXPECT_EQ(test::mode_of(store_path("boot_id")), 0600);
}

TEST_F(BootIdTest, AnotherBootWipesEveryReservationButKeepsCursorsAndForeignFiles) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("a"));
    reserve(config, kNetwork, attachment("b", "eth1"));
    plant("10.22.0.77", "host-local-legacy-id");
    plant(".tmp.12345.1.0", "half");
    plant("attachments/.tmp.12345.1.1", "half");
    plant("attachments/c@eth0", "10.22.0.99\n");
    plant("notes", "an administrator's file");

    boot("22222222-bbbb-4bbb-8bbb-000000000002");
    // The new boot's first reservation continues after the old cursors.
    EXPECT_EQ(texts(reserve(config, kNetwork, attachment("c"))),
              (Texts{"10.22.0.4/24", "fd00::4/64"}));
    EXPECT_EQ(address_files(), (std::set<std::string>{"10.22.0.4", "fd00::4", "notes"}));
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{"c@eth0"});
    EXPECT_EQ(temp_files(), std::set<std::string>{});
    EXPECT_EQ(read_text(store_path("notes")), "an administrator's file");
    EXPECT_EQ(read_text(store_path("boot_id")), "22222222-bbbb-4bbb-8bbb-000000000002\n");
    EXPECT_EQ(read_text(store_path("last_reserved_ip.0")), "10.22.0.4");
    EXPECT_TRUE(std::filesystem::exists(store_path("lock")));
    EXPECT_TRUE(reserved(config, kNetwork, attachment("a")).empty());
}

TEST_F(BootIdTest, ReleaseAndGcWipeAnEarlierBootToo) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("a"));
    boot("22222222-bbbb-4bbb-8bbb-000000000002");
    release(config, kNetwork, attachment("someone-else"));
    EXPECT_EQ(address_files(), std::set<std::string>{});
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{});

    reserve(config, kNetwork, attachment("b"));
    boot("33333333-cccc-4ccc-8ccc-000000000003");
    collect_garbage(config, kNetwork, {attachment("b")});  // valid, but of a boot that is over
    EXPECT_EQ(address_files(), std::set<std::string>{});
    EXPECT_EQ(read_text(store_path("boot_id")), "33333333-cccc-4ccc-8ccc-000000000003\n");
}

TEST_F(BootIdTest, ReadingAnEarlierBootsStoreFindsNothingAndWritesNothing) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("a"));
    boot("22222222-bbbb-4bbb-8bbb-000000000002");
    EXPECT_TRUE(reserved(config, kNetwork, attachment("a")).empty());
    EXPECT_EQ(address_files(), (std::set<std::string>{"10.22.0.2", "fd00::2"}));
    EXPECT_EQ(read_text(store_path("boot_id")), "11111111-aaaa-4aaa-8aaa-000000000001\n");
}

TEST_F(BootIdTest, AStoreWithoutBootIdKeepsItsReservationsAndAdoptsTheCurrentOne) {
    // Written by an older nsveth or by host-local: the reservations may be of this boot.
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("a"));
    std::filesystem::remove(store_path("boot_id"));
    plant("10.22.0.50", "host-local\r\neth0");
    boot("22222222-bbbb-4bbb-8bbb-000000000002");
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("a"))), (Texts{"10.22.0.2", "fd00::2"}));
    reserve(config, kNetwork, attachment("b"));
    EXPECT_EQ(address_files(), (std::set<std::string>{"10.22.0.2", "fd00::2", "10.22.0.50",
                                                      "10.22.0.3", "fd00::3"}));
    EXPECT_EQ(read_text(store_path("boot_id")), "22222222-bbbb-4bbb-8bbb-000000000002\n");
    // From now on the store belongs to that boot, and the next one wipes it.
    boot("33333333-cccc-4ccc-8ccc-000000000003");
    reserve(config, kNetwork, attachment("c"));
    EXPECT_EQ(address_files(), (std::set<std::string>{"10.22.0.4", "fd00::4"}));
}

TEST_F(BootIdTest, TakingOverAHostLocalStoreIndexesItsReservations) {
    // host-local's files, no index and no boot id: the first writer indexes them, so DEL
    // releases them and CHECK finds them. The legacy id-only record names no interface.
    Config config = dual_stack();
    plant("10.22.0.50", "hl-1\r\neth0");
    plant("fd00::50", "hl-1\r\neth0");
    plant("10.22.0.51", "hl-legacy");
    plant("10.22.0.52", "bad/id\r\neth0");
    // CHECK reads without writing, and finds them before any writer indexed them.
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("hl-1"))).size(), 2u);
    EXPECT_FALSE(std::filesystem::exists(store_path("boot_id")));
    reserve(config, kNetwork, attachment("b"));
    Texts found = texts(reserved(config, kNetwork, attachment("hl-1")));
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, (Texts{"10.22.0.50", "fd00::50"}));
    EXPECT_EQ(names_in(store_path("attachments")), (std::set<std::string>{"b@eth0", "hl-1@eth0"}));
    release(config, kNetwork, attachment("hl-1"));
    EXPECT_EQ(address_files(), (std::set<std::string>{"10.22.0.2", "fd00::2", "10.22.0.51",
                                                      "10.22.0.52"}));
}

TEST_F(BootIdTest, ADamagedBootIdCountsAsAnotherBoot) {
    // Only a kernel crash can truncate it, and that is another boot indeed.
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    reserve_one(config, attachment("a"));
    plant("boot_id", "");
    reserve_one(config, attachment("b"));
    EXPECT_EQ(address_files(), std::set<std::string>{"10.22.0.3"});
}

TEST_F(BootIdTest, AnUnreadableBootIdSourceFailsLoudly) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    set_boot_id_source_for_testing(dir_ + "/missing");
    try {
        reserve(config, kNetwork, attachment("a"));
        ADD_FAILURE() << "reserved without knowing the boot";
    } catch (const SystemError& error) {
        EXPECT_NE(std::string(error.what()).find(dir_ + "/missing"), std::string::npos)
            << error.what();
    }
    EXPECT_EQ(address_files(), std::set<std::string>{});
    boot("  \n");
    set_boot_id_source_for_testing(source_);
    test::expect_cni_error([&] { reserve(config, kNetwork, attachment("a")); }, kSystemFailure,
                           {source_, "no boot id"});
}

}  // namespace
}  // namespace nsveth::ipam
