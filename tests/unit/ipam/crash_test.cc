// Component test: a reserve() killed at every single system call it makes. For N = 1, 2, ... a
// child reserves for a fresh attachment under ptrace and is SIGKILLed at its Nth syscall stop
// (entry or exit), until one child finishes. After each kill the store must be consistent (every
// address file complete and listed in its owner's index), the DEL a runtime would send must remove
// everything the child reserved, and GC must remove the temp files it left.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipam/ipam.h"
#include "ipam_fixture.h"

namespace nsveth::ipam {
namespace {

using test::attachment;
using test::kNetwork;
using test::names_in;
using Names = std::set<std::string>;

constexpr int kNoPtrace = 3;

struct TracedRun {
    bool killed = false;  // SIGKILLed at the requested stop; otherwise it ran to its end
    int status = 0;       // waitpid status when it ran to its end
};

// Runs reserve(config, who) in a traced child, killing it at syscall stop `kill_at`.
TracedRun reserve_killed_at(const Config& config, const AttachmentId& who, int kill_at) {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) < 0) ::_exit(kNoPtrace);
        ::raise(SIGSTOP);
        try {
            reserve(config, kNetwork, who);
        } catch (...) {
            ::_exit(2);
        }
        ::_exit(0);
    }
    TracedRun run;
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFSTOPPED(status)) {
        run.status = status;
        return run;
    }
    ::ptrace(PTRACE_SETOPTIONS, pid, nullptr, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
    int stops = 0;
    long deliver = 0;
    for (;;) {
        ::ptrace(PTRACE_SYSCALL, pid, nullptr, deliver);
        deliver = 0;
        ::waitpid(pid, &status, 0);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            run.status = status;
            return run;
        }
        if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
            deliver = WSTOPSIG(status);  // not ours: pass it on
            continue;
        }
        if (++stops == kill_at) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            run.killed = true;
            return run;
        }
    }
}

class CrashTest : public test::IpamTest {};

TEST_F(CrashTest, AReserveKilledAtAnySyscallLeavesNothingDelAndGcCannotClean) {
    // Dual stack, so a reserve makes two claims.
    Config config = dual_stack();
    const AttachmentId bystander = attachment("bystander");
    reserve(config, kNetwork, bystander);  // 10.22.0.2, fd00::2: must survive everything
    const Names bystander_files{"10.22.0.2", "fd00::2"};
    const Names bookkeeping{"lock", "boot_id", "attachments", "last_reserved_ip.0",
                            "last_reserved_ip.1"};

    int kill_at = 1;
    for (;; ++kill_at) {
        ASSERT_LT(kill_at, 5000) << "reserve never finished";
        SCOPED_TRACE("killed at syscall stop " + std::to_string(kill_at));
        const AttachmentId victim = attachment("victim" + std::to_string(kill_at));
        TracedRun run = reserve_killed_at(config, victim, kill_at);
        if (!run.killed) {
            if (WIFEXITED(run.status) && WEXITSTATUS(run.status) == kNoPtrace)
                GTEST_SKIP() << "ptrace is not permitted here";
            ASSERT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << run.status;
            ASSERT_GT(kill_at, 20) << "too few syscalls: was the child traced at all?";
            EXPECT_EQ(reserved(config, kNetwork, victim).size(), 2u);
            EXPECT_EQ(inconsistencies(), std::vector<std::string>{});
            break;
        }

        ASSERT_EQ(inconsistencies(), std::vector<std::string>{});
        for (const std::string& name : address_files()) {
            if (bystander_files.count(name)) continue;
            ASSERT_EQ(test::read_text(store_path(name)), victim.container_id + "\r\neth0") << name;
        }

        // The runtime's DEL for the failed ADD.
        release(config, kNetwork, victim);
        ASSERT_EQ(address_files(), bystander_files);
        ASSERT_EQ(names_in(store_path("attachments")).count(victim.container_id + "@eth0"), 0u);
        for (const std::string& name : names_in(store_path()))
            ASSERT_TRUE(bookkeeping.count(name) || bystander_files.count(name) ||
                        name.rfind(".tmp.", 0) == 0)
                << "left behind: " << name;

        // What DEL cannot know about, GC removes: the killed writer's temp files.
        collect_garbage(config, kNetwork, {bystander});
        ASSERT_EQ(temp_files(), Names{});
        ASSERT_EQ(address_files(), bystander_files);
        ASSERT_EQ(names_in(store_path("attachments")), Names{"bystander@eth0"});
    }
    EXPECT_EQ(test::texts(reserved(config, kNetwork, bystander)),
              (std::vector<std::string>{"10.22.0.2", "fd00::2"}));
    std::cout << "[          ] reserve() killed at each of its " << kill_at - 1
              << " syscall stops\n";
}

}  // namespace
}  // namespace nsveth::ipam
