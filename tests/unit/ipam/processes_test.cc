// Component test: 64 processes reserving at the same moment in one network, as a runtime starting
// 64 pods does. The flock is the only coordination; every process must get its own address and
// leave a consistent store.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "ipam/ipam.h"
#include "ipam_fixture.h"

namespace nsveth::ipam {
namespace {

using test::attachment;
using test::kNetwork;
using test::names_in;
using test::read_text;

class ProcessesTest : public test::IpamTest {};

TEST_F(ProcessesTest, SixtyFourConcurrentProcessesGetDistinctAddresses) {
    constexpr int kProcesses = 64;
    Config config = config_for_range({{"subnet", "10.30.0.0/24"}});
    int go[2], results[2];
    ASSERT_EQ(::pipe(go), 0);
    ASSERT_EQ(::pipe(results), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(go[1]);
            ::close(results[0]);
            char byte;
            (void)!::read(go[0], &byte, 1);  // EOF once the parent has started everyone
            std::string line;
            try {
                line = std::to_string(i) + " " +
                       reserve(config, kNetwork, attachment("c" + std::to_string(i)))[0]
                           .address.address()
                           .to_string();
            } catch (const std::exception& error) {
                line = std::to_string(i) + " error " + error.what();
            }
            line += "\n";  // one write below PIPE_BUF: lines never interleave
            (void)!::write(results[1], line.data(), line.size());
            ::_exit(0);
        }
        children.push_back(pid);
    }
    ::close(go[0]);
    ::close(results[1]);
    ::close(go[1]);  // release them all at once
    std::string output;
    char buffer[4096];
    for (ssize_t n; (n = ::read(results[0], buffer, sizeof buffer)) > 0;) output.append(buffer, n);
    ::close(results[0]);
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    std::map<std::string, std::string> owner_of;  // address -> container
    std::istringstream lines(output);
    for (std::string index, address; lines >> index >> address;) {
        ASSERT_NE(address, "error") << output;
        EXPECT_TRUE(owner_of.emplace(address, "c" + index).second) << address << " twice";
    }
    ASSERT_EQ(owner_of.size(), static_cast<std::size_t>(kProcesses)) << output;

    std::set<std::string> files = address_files();
    EXPECT_EQ(files.size(), static_cast<std::size_t>(kProcesses));
    EXPECT_EQ(names_in(store_path("attachments")).size(), static_cast<std::size_t>(kProcesses));
    for (const auto& [address, container] : owner_of) {
        EXPECT_EQ(read_text(store_path(address)), container + "\r\neth0");
        EXPECT_EQ(read_text(index_path(attachment(container))), address + "\n");
    }
    EXPECT_EQ(inconsistencies(), std::vector<std::string>{});
    EXPECT_EQ(temp_files(), std::set<std::string>{});
    EXPECT_EQ(owner_of.count(read_text(store_path("last_reserved_ip.0"))), 1u);
}

}  // namespace
}  // namespace nsveth::ipam
