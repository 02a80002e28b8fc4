// check_status(): fine while every range set has a free address and the store takes writes;
// CniError(kPluginNotAvailable) naming the set or the path otherwise; a busy lock is
// CniError(kTryAgainLater) after about a second, not ten.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "ipam/ipam.h"
#include "ipam/store.h"
#include "ipam_fixture.h"

namespace nsveth::ipam {
namespace {

using nlohmann::json;
using test::attachment;
using test::expect_cni_error;
using test::kNetwork;

class StatusTest : public test::IpamTest {};

// Runs check_status in a forked child and returns "ok" or "<code> <message>" (a child, so that
// it can change its mounts without touching the test process).
template <typename Prepare>
std::string status_in_child(const Config& config, Prepare prepare) {
    int out[2];
    if (::pipe(out) < 0) return "pipe failed";
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(out[0]);
        std::string answer;
        try {
            answer = prepare();
            if (answer.empty()) {
                check_status(config, kNetwork);
                answer = "ok";
            }
        } catch (const CniError& error) {
            answer = std::to_string(error.code()) + " " + error.what();
        } catch (const std::exception& error) {
            answer = std::string("other ") + error.what();
        }
        (void)!::write(out[1], answer.data(), answer.size());
        ::_exit(0);
    }
    ::close(out[1]);
    std::string answer;
    char buffer[512];
    for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) answer.append(buffer, n);
    ::close(out[0]);
    ::waitpid(pid, nullptr, 0);
    return answer;
}

TEST_F(StatusTest, HealthyStoreIsCreatedAndLeftClean) {
    Config config = config_for(json::array(
        {json::array({{{"subnet", "10.22.0.0/24"}}}), json::array({{{"subnet", "fd00::/64"}}})}));
    EXPECT_NO_THROW(check_status(config, kNetwork));
    EXPECT_TRUE(std::filesystem::is_directory(store_path("attachments")));
    EXPECT_EQ(address_files(), std::set<std::string>{});
    EXPECT_EQ(temp_files(), std::set<std::string>{});
    reserve(config, kNetwork, attachment("a"));
    EXPECT_NO_THROW(check_status(config, kNetwork));
}

TEST_F(StatusTest, AnExhaustedRangeSetIsNotAvailable) {
    // Set 1 is a /30 whose only non-gateway address goes to "a".
    Config config = config_for(json::array({json::array({{{"subnet", "10.22.0.0/24"}}}),
                                            json::array({{{"subnet", "10.23.0.0/30"}}})}));
    reserve(config, kNetwork, attachment("a"));
    expect_cni_error([&] { check_status(config, kNetwork); }, kPluginNotAvailable,
                     {"no free address in range set 1 (10.23.0.0/30) of network testnet"});
    release(config, kNetwork, attachment("a"));
    EXPECT_NO_THROW(check_status(config, kNetwork));
}

TEST_F(StatusTest, AFreeAddressBehindTheCursorCounts) {
    Config config = config_for_range(
        {{"subnet", "10.22.0.0/24"}, {"rangeStart", "10.22.0.10"}, {"rangeEnd", "10.22.0.12"}});
    reserve(config, kNetwork, attachment("a"));
    reserve(config, kNetwork, attachment("b"));
    reserve(config, kNetwork, attachment("c"));
    release(config, kNetwork, attachment("a"));  // .10 free, cursor at .12
    EXPECT_NO_THROW(check_status(config, kNetwork));
}

TEST_F(StatusTest, ADataDirThatCannotBeADirectoryIsNotAvailable) {
    std::ofstream(dir_ + "/file") << "x";
    Config config = parse_config({{"subnet", "10.22.0.0/24"}, {"dataDir", dir_ + "/file/data"}});
    expect_cni_error([&] { check_status(config, kNetwork); }, kPluginNotAvailable,
                     {"IPAM store of network testnet", dir_ + "/file", "Not a directory"});
}

TEST_F(StatusTest, AReadOnlyStoreIsNotAvailable) {
    // A private mount namespace in a child, with a tmpfs that starts writable and then is not.
    const std::string mount_point = dir_ + "/mnt";
    std::filesystem::create_directories(mount_point);
    Config config = parse_config({{"subnet", "10.22.0.0/24"}, {"dataDir", mount_point + "/data"}});
    auto mount_tmpfs = [&](unsigned long flags) -> std::string {
        if (::unshare(CLONE_NEWNS) < 0) return "skip unshare";
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) return "skip private";
        if (::mount("tmpfs", mount_point.c_str(), "tmpfs", flags, "size=1m") < 0)
            return "skip mount";
        return "";
    };
    std::string fresh = status_in_child(config, [&] { return mount_tmpfs(MS_RDONLY); });
    if (fresh.rfind("skip", 0) == 0) GTEST_SKIP() << "no mount namespace here: " << fresh;
    EXPECT_EQ(fresh.rfind("50 ", 0), 0u) << fresh;
    EXPECT_NE(fresh.find(mount_point + "/data"), std::string::npos) << fresh;
    EXPECT_NE(fresh.find("Read-only file system"), std::string::npos) << fresh;

    // An existing store whose file system became read-only.
    std::string existing = status_in_child(config, [&]() -> std::string {
        std::string skip = mount_tmpfs(0);
        if (!skip.empty()) return skip;
        check_status(config, kNetwork);
        if (::mount(nullptr, mount_point.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) < 0)
            return "skip remount";
        return "";
    });
    EXPECT_EQ(existing.rfind("50 ", 0), 0u) << existing;
    EXPECT_NE(existing.find(mount_point + "/data/testnet"), std::string::npos) << existing;
    EXPECT_NE(existing.find("Read-only file system"), std::string::npos) << existing;
}

TEST_F(StatusTest, ABusyLockIsTryAgainLaterWithinAboutASecond) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    std::optional<Store> held = Store::open(dir_, kNetwork, OpenMode::kCreate);
    auto start = std::chrono::steady_clock::now();
    expect_cni_error([&] { check_status(config, kNetwork); }, kTryAgainLater,
                     {store_path("lock"), "busy for 1000 ms"});
    auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, std::chrono::milliseconds(1000));
    EXPECT_LT(waited, std::chrono::milliseconds(2500));
}

TEST_F(StatusTest, BadNetworkNameIsInvalidConfig) {
    Config config = config_for_range({{"subnet", "10.22.0.0/24"}});
    expect_cni_error([&] { check_status(config, ".."); }, kInvalidConfig, {"network name \"..\""});
}

}  // namespace
}  // namespace nsveth::ipam
