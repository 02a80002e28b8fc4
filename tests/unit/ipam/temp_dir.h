// Shared by the ipam tests: a fresh directory under /tmp per test, removed afterwards, so no
// two tests (or two runs) ever share store state; plus small readers for asserting on files.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace nsveth::ipam::test {

class TempDirTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/nsveth-ipam-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string dir_;
};

/// The whole content of `path` (empty when it cannot be opened).
inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The permission bits of `path`, or -1 when it does not exist.
inline int mode_of(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) < 0) return -1;
    return static_cast<int>(st.st_mode & 07777);
}

/// The names in directory `path` (empty when it does not exist).
inline std::set<std::string> names_in(const std::string& path) {
    std::set<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(path, error))
        names.insert(entry.path().filename().string());
    return names;
}

}  // namespace nsveth::ipam::test
