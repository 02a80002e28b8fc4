// collect_garbage(): releases every reservation whose owner is not in the valid list — indexed,
// index-less and host-local's legacy id-only ones — removes temp files of dead writers, keeps the
// bookkeeping, and goes on past a file it cannot read.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "ipam/ipam.h"
#include "ipam_fixture.h"

namespace nsveth::ipam {
namespace {

using test::attachment;
using test::kNetwork;
using test::names_in;
using test::read_text;
using test::texts;
using Texts = std::vector<std::string>;
using Names = std::set<std::string>;

class GcTest : public test::IpamTest {
protected:
    // The bookkeeping GC must keep.
    void expect_bookkeeping_kept() const {
        for (const char* name : {"lock", "boot_id", "last_reserved_ip.0", "last_reserved_ip.1"})
            EXPECT_TRUE(std::filesystem::exists(store_path(name))) << name;
    }
};

// A pid that is certainly not running: a child that has exited and been reaped.
pid_t dead_pid() {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

TEST_F(GcTest, ReleasesWhatIsNotValidAndKeepsTheRest) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("A"));  // 10.22.0.2, fd00::2
    reserve(config, kNetwork, attachment("B"));  // 10.22.0.3, fd00::3
    collect_garbage(config, kNetwork, {attachment("A")});
    EXPECT_EQ(address_files(), (Names{"10.22.0.2", "fd00::2"}));
    EXPECT_EQ(names_in(store_path("attachments")), Names{"A@eth0"});
    EXPECT_EQ(texts(reserved(config, kNetwork, attachment("A"))), (Texts{"10.22.0.2", "fd00::2"}));
    expect_bookkeeping_kept();
    EXPECT_EQ(read_text(store_path("last_reserved_ip.0")), "10.22.0.3");  // cursor untouched
}

TEST_F(GcTest, AnEmptyValidListReleasesEverything) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("A"));
    reserve(config, kNetwork, attachment("B", "net1"));
    plant("10.22.0.40", "legacy");
    collect_garbage(config, kNetwork, {});
    EXPECT_EQ(address_files(), Names{});
    EXPECT_EQ(names_in(store_path("attachments")), Names{});
    expect_bookkeeping_kept();
}

TEST_F(GcTest, TheInterfaceMattersForIndexedReservations) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("A", "eth0"));
    reserve(config, kNetwork, attachment("A", "eth1"));
    collect_garbage(config, kNetwork, {attachment("A", "eth0")});
    EXPECT_EQ(names_in(store_path("attachments")), Names{"A@eth0"});
    EXPECT_EQ(address_files(), (Names{"10.22.0.2", "fd00::2"}));
}

TEST_F(GcTest, LegacyIdOnlyRecordsAreValidForAnyInterfaceOfTheirContainer) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("A"));
    plant("10.22.0.50", "legacy\n");
    plant("10.22.0.51", "gone");
    collect_garbage(config, kNetwork, {attachment("A"), attachment("legacy", "eth7")});
    EXPECT_EQ(address_files(), (Names{"10.22.0.2", "fd00::2", "10.22.0.50"}));
    collect_garbage(config, kNetwork, {attachment("A")});
    EXPECT_EQ(address_files(), (Names{"10.22.0.2", "fd00::2"}));
}

TEST_F(GcTest, AddressFilesWithoutAnIndexAreJudgedByTheirOwnerRecord) {
    Config config = dual_stack();
    plant("10.22.0.60", "orphan\r\neth0");
    plant("fd00::60", "orphan\r\neth1");
    plant("10.22.0.61", "");  // no owner at all: a crash of a writer that creates, then writes
    collect_garbage(config, kNetwork, {attachment("orphan", "eth0")});
    EXPECT_EQ(address_files(), Names{"10.22.0.60"});
    collect_garbage(config, kNetwork, {attachment("orphan", "eth1")});
    EXPECT_EQ(address_files(), Names{});
}

TEST_F(GcTest, AStaleIndexNeverFreesAValidOwnersAddress) {
    Config config = dual_stack();
    plant("attachments/old@eth0", "10.22.0.2\n");
    reserve(config, kNetwork, attachment("new"));  // gets 10.22.0.2 as well
    collect_garbage(config, kNetwork, {attachment("new")});
    EXPECT_EQ(address_files(), (Names{"10.22.0.2", "fd00::2"}));
    EXPECT_EQ(read_text(store_path("10.22.0.2")), "new\r\neth0");
    EXPECT_EQ(names_in(store_path("attachments")), Names{"new@eth0"});
}

TEST_F(GcTest, UnknownNamesAreLeftAlone) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("A"));
    plant("notes", "x");
    plant("010.22.0.7", "x");  // not the canonical spelling of an address: not a store file
    plant("attachments/README", "x");
    collect_garbage(config, kNetwork, {});
    EXPECT_EQ(address_files(), (Names{"notes", "010.22.0.7"}));
    EXPECT_EQ(names_in(store_path("attachments")), Names{"README"});
}

TEST_F(GcTest, TempFilesOfDeadWritersGoThoseOfLiveOnesStay) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("A"));
    const std::string dead = ".tmp." + std::to_string(dead_pid()) + ".7.0";
    const std::string live = ".tmp." + std::to_string(::getpid()) + ".7.0";
    for (const std::string& name : {dead, live, "attachments/" + dead, "attachments/" + live})
        plant(name, "partial");
    plant(".tmp.unparsable", "x");
    collect_garbage(config, kNetwork, {attachment("A")});
    EXPECT_EQ(temp_files(), (Names{live, "attachments/" + live, ".tmp.unparsable"}));
    EXPECT_EQ(address_files(), (Names{"10.22.0.2", "fd00::2"}));
}

TEST_F(GcTest, GoesOnPastAnUnreadableFileAndReportsIt) {
    Config config = dual_stack();
    reserve(config, kNetwork, attachment("A"));
    reserve(config, kNetwork, attachment("B"));
    std::filesystem::create_directories(store_path("10.22.0.9"));  // read() fails: EISDIR
    plant("10.22.0.10", "gone\r\neth0");
    try {
        collect_garbage(config, kNetwork, {});
        ADD_FAILURE() << "no error reported";
    } catch (const SystemError& error) {
        EXPECT_EQ(error.error(), EISDIR);
        EXPECT_NE(std::string(error.what()).find(store_path("10.22.0.9")), std::string::npos)
            << error.what();
    }
    EXPECT_EQ(address_files(), Names{"10.22.0.9"});
    EXPECT_EQ(names_in(store_path("attachments")), Names{});
}

TEST_F(GcTest, AMissingStoreIsNothingToDoAndCreatesNothing) {
    Config config = parse_config({{"subnet", "10.22.0.0/24"}, {"dataDir", dir_ + "/absent"}});
    EXPECT_NO_THROW(collect_garbage(config, kNetwork, {}));
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/absent"));
    test::expect_cni_error([&] { collect_garbage(config, "../x", {}); }, kInvalidConfig,
                           {"network name \"../x\""});
}

}  // namespace
}  // namespace nsveth::ipam
