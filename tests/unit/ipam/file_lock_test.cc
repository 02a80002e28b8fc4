// FileLock and Store::open's lock: exclusive between descriptors, bounded wait ending in
// CniError(kTryAgainLater) naming the lock file, released when the holder goes away.
#include "ipam/file_lock.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/error.h"
#include "ipam/store.h"
#include "temp_dir.h"

namespace nsveth::ipam {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class FileLockTest : public test::TempDirTest {
  protected:
    void SetUp() override {
        TempDirTest::SetUp();
        dir_fd_.reset(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        ASSERT_TRUE(dir_fd_);
    }
    FileLock lock(std::chrono::milliseconds timeout) {
        return FileLock(dir_fd_.get(), "lock", dir_ + "/lock", timeout);
    }
    Fd dir_fd_;
};

TEST_F(FileLockTest, CreatesAnEmptyLockFile) {
    FileLock held = lock(100ms);
    EXPECT_EQ(test::read_text(dir_ + "/lock"), "");
    EXPECT_EQ(test::mode_of(dir_ + "/lock"), 0600);
}

TEST_F(FileLockTest, BusyLockTimesOutWithTryAgainLater) {
    FileLock held = lock(100ms);
    Clock::time_point start = Clock::now();
    try {
        lock(150ms);
        FAIL() << "second lock acquired while the first is held";
    } catch (const CniError& error) {
        EXPECT_EQ(error.code(), kTryAgainLater);
        EXPECT_NE(std::string(error.what()).find("lock " + dir_ + "/lock busy"), std::string::npos)
            << error.what();
    }
    Clock::duration waited = Clock::now() - start;
    EXPECT_GE(waited, 150ms);
    EXPECT_LT(waited, 900ms);
}

TEST_F(FileLockTest, WaitsForAHolderThatLetsGo) {
    std::optional<FileLock> held(lock(100ms));
    std::thread holder([&] {
        std::this_thread::sleep_for(50ms);
        held.reset();
    });
    Clock::time_point start = Clock::now();
    EXPECT_NO_THROW(lock(2000ms));
    EXPECT_GE(Clock::now() - start, 40ms);
    holder.join();
}

// With no descriptor left for an inotify watch (a node out of inotify instances fails the same
// way), the wait falls back to polling and still ends at the timeout instead of spinning.
TEST_F(FileLockTest, BusyLockTimesOutWithoutAnInotifyWatch) {
#ifdef NSVETH_SANITIZED
    // The sanitizer runtimes open descriptors of their own (UBSan checks the exception's type
    // through a pipe) and report a false error in a process that has none left.
    GTEST_SKIP() << "needs a build without sanitizers";
#endif
    FileLock held = lock(100ms);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::alarm(5);  // a spinning wait is killed and reported below
        const int lowest_free = ::dup(0);
        ::close(lowest_free);
        // The lock file takes the lowest free descriptor; inotify_init1 then gets EMFILE.
        const rlimit limit{static_cast<rlim_t>(lowest_free) + 1,
                           static_cast<rlim_t>(lowest_free) + 1};
        if (::setrlimit(RLIMIT_NOFILE, &limit) < 0) ::_exit(3);
        try {
            lock(150ms);
            ::_exit(2);
        } catch (const CniError& error) {
            ::_exit(error.code() == kTryAgainLater ? 0 : 1);
        }
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status))
        << "the waiting process was killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: wrong error code, 2: acquired, 3: setrlimit failed";
}

TEST_F(FileLockTest, StoreOpenHoldsTheNetworkLock) {
    std::optional<Store> store = Store::open(dir_, "net", OpenMode::kCreate, 100ms);
    ASSERT_TRUE(store);
    try {
        Store::open(dir_, "net", OpenMode::kCreate, 60ms);
        FAIL() << "second store opened while the first holds the lock";
    } catch (const CniError& error) {
        EXPECT_EQ(error.code(), kTryAgainLater);
        EXPECT_NE(std::string(error.what()).find(dir_ + "/net/lock busy"), std::string::npos)
            << error.what();
    }
    store.reset();
    EXPECT_NO_THROW(Store::open(dir_, "net", OpenMode::kCreate, 60ms));
    // Other networks have their own lock.
    std::optional<Store> again = Store::open(dir_, "net", OpenMode::kCreate, 60ms);
    EXPECT_NO_THROW(Store::open(dir_, "other", OpenMode::kCreate, 60ms));
}

}  // namespace
}  // namespace nsveth::ipam
