// release() and reserved(): driven by the attachment's index, idempotent, and never touching an
// address file that names another attachment — including after a crash left the index behind.
#include <gtest/gtest.h>

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

class ReleaseTest : public test::IpamTest {};

TEST_F(ReleaseTest, RemovesTheAttachmentsAddressesAndIndexOnly) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("a"));
    reserve(config, kNetwork, attachment("b"));
    release(config, kNetwork, attachment("a"));
    EXPECT_EQ(address_files(), (std::set<std::string>{"10.22.0.3", "fd00::3"}));
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{"b@eth0"});
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("b"))), (Texts{"10.22.0.3", "fd00::3"}));
    // The cursor stays where it was: round-robin continues after the last handed out.
    EXPECT_EQ(read_text(store_path("last_reserved_ip.0")), "10.22.0.3");
}

TEST_F(ReleaseTest, IsIdempotent) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("a"));
    release(config, kNetwork, attachment("a"));
    EXPECT_NO_THROW(release(config, kNetwork, attachment("a")));
    EXPECT_NO_THROW(release(config, kNetwork, attachment("never")));
    EXPECT_EQ(address_files(), std::set<std::string>{});
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{});
}

TEST_F(ReleaseTest, UnknownNetworkIsNothingToReleaseAndCreatesNothing) {
    Config config = parse_config({{"subnet", "10.22.0.0/24"}, {"dataDir", dir_ + "/absent"}});
    EXPECT_NO_THROW(release(config, kNetwork, attachment("a")));
    EXPECT_TRUE(reserved(config, kNetwork, attachment("a")).empty());
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/absent"));
}

TEST_F(ReleaseTest, OtherInterfaceOfTheSameContainerIsKept) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    reserve_one(config, attachment("c", "eth0"));
    reserve_one(config, attachment("c", "eth1"));
    release(config, kNetwork, attachment("c", "eth0"));
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("c", "eth1"))), Texts{"10.22.0.3"});
    EXPECT_EQ(address_files(), std::set<std::string>{"10.22.0.3"});
}

TEST_F(ReleaseTest, ReservedListsInRangeSetOrder) {
    Config config = dual_stack();
    EXPECT_TRUE(reserved(config, kNetwork, attachment("a")).empty());
    reserve(config, kNetwork, attachment("a"));
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("a"))), (Texts{"10.22.0.2", "fd00::2"}));
    EXPECT_TRUE(reserved(config, kNetwork, attachment("a", "eth1")).empty());
    release(config, kNetwork, attachment("a"));
    EXPECT_TRUE(reserved(config, kNetwork, attachment("a")).empty());
}

TEST_F(ReleaseTest, CrashLeftoverIndexWithAMissingAddressFile) {
    // Crash between linking the first and the second address of a dual-stack reservation.
    Config config = dual_stack();
    plant("attachments/a@eth0", "10.22.0.2\nfd00::2\n");
    plant("10.22.0.2", "a\r\neth0");
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("a"))), Texts{"10.22.0.2"});
    release(config, kNetwork, attachment("a"));
    EXPECT_EQ(address_files(), std::set<std::string>{});
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{});
}

TEST_F(ReleaseTest, CrashLeftoverIndexNeverDeletesAnotherOwnersFile) {
    // "a" crashed with an index naming 10.22.0.2; the address later went to "b".
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    plant("attachments/a@eth0", "10.22.0.2\n");
    plant("10.22.0.2", "b\r\neth0");
    plant("attachments/b@eth0", "10.22.0.2\n");
    plant("10.22.0.3", "a");  // a legacy id-only record: not ours to judge either
    EXPECT_TRUE(reserved(config, kNetwork, attachment("a")).empty());
    release(config, kNetwork, attachment("a"));
    EXPECT_EQ(read_text(store_path("10.22.0.2")), "b\r\neth0");
    EXPECT_EQ(read_text(store_path("10.22.0.3")), "a");
    EXPECT_EQ(names_in(store_path("attachments")), std::set<std::string>{"b@eth0"});
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("b"))), Texts{"10.22.0.2"});
}

TEST_F(ReleaseTest, DamagedIndexLinesNameNoFile) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    plant("attachments/a@eth0", "../../victim\nlock\n\n 10.22.0.2 \r\n");
    plant("10.22.0.2", "a\r\neth0\n");  // surrounding whitespace is tolerated, as in host-local
    std::ofstream(dir_ + "/victim") << "keep";
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("a"))), Texts{"10.22.0.2"});
    release(config, kNetwork, attachment("a"));
    EXPECT_EQ(read_text(dir_ + "/victim"), "keep");
    EXPECT_TRUE(std::filesystem::exists(store_path("lock")));
    EXPECT_EQ(address_files(), std::set<std::string>{});
}

TEST_F(ReleaseTest, BadNamesAreRefused) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    test::expect_cni_error([&] { release(config, kNetwork, attachment("../x")); },
                           kInvalidEnvironment, {"container ID \"../x\""});
    test::expect_cni_error([&] { reserved(config, "..", attachment("c")); }, kInvalidConfig,
                           {"network name \"..\""});
}

}  // namespace
}  // namespace nsveth::ipam
