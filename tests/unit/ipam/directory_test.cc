// Directory: mkdir -p with 0755, files 0600 that appear only complete, no temp file left behind.
#include "ipam/directory.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/error.h"
#include "temp_dir.h"

namespace nsveth::ipam {
namespace {

class DirectoryTest : public test::TempDirTest {
protected:
    Directory open_store() { return *Directory::open(dir_ + "/store", true); }
};

TEST_F(DirectoryTest, CreatesMissingParentsWithMode0755) {
    mode_t old_mask = ::umask(022);
    std::optional<Directory> directory = Directory::open(dir_ + "/a/b/c/", true);
    ::umask(old_mask);
    ASSERT_TRUE(directory);
    EXPECT_EQ(directory->path(), dir_ + "/a/b/c/");
    for (const char* sub : {"/a", "/a/b", "/a/b/c"})
        EXPECT_EQ(test::mode_of(dir_ + sub), 0755) << sub;
    EXPECT_TRUE(Directory::open(dir_ + "/a/b/c", true));  // existing is fine
}

TEST_F(DirectoryTest, WithoutCreateAMissingDirectoryIsNoDirectory) {
    EXPECT_FALSE(Directory::open(dir_ + "/missing", false));
    EXPECT_EQ(test::mode_of(dir_ + "/missing"), -1);
    EXPECT_TRUE(Directory::open(dir_, false));
}

TEST_F(DirectoryTest, AFileInThePathIsASystemError) {
    Directory store = open_store();
    store.replace("file", "x");
    EXPECT_THROW(Directory::open(dir_ + "/store/file/sub", true), SystemError);
}

TEST_F(DirectoryTest, CreateNewWritesOnceWithMode0600) {
    Directory store = open_store();
    EXPECT_TRUE(store.create_new("10.0.0.2", "first\r\neth0"));
    EXPECT_FALSE(store.create_new("10.0.0.2", "second\r\neth0"));
    EXPECT_EQ(test::read_text(dir_ + "/store/10.0.0.2"), "first\r\neth0");
    EXPECT_EQ(test::mode_of(dir_ + "/store/10.0.0.2"), 0600);
    EXPECT_EQ(test::names_in(dir_ + "/store"), std::set<std::string>{"10.0.0.2"});
}

TEST_F(DirectoryTest, ReplaceOverwritesWithMode0600) {
    Directory store = open_store();
    store.replace("cursor", "10.0.0.2");
    store.replace("cursor", "10.0.0.3");
    EXPECT_EQ(test::read_text(dir_ + "/store/cursor"), "10.0.0.3");
    EXPECT_EQ(test::mode_of(dir_ + "/store/cursor"), 0600);
    EXPECT_EQ(test::names_in(dir_ + "/store"), std::set<std::string>{"cursor"});
}

TEST_F(DirectoryTest, ReadExistsRemove) {
    Directory store = open_store();
    EXPECT_FALSE(store.exists("x"));
    EXPECT_FALSE(store.read("x"));
    store.replace("x", std::string(10000, 'a'));
    EXPECT_TRUE(store.exists("x"));
    EXPECT_EQ(store.read("x"), std::string(10000, 'a'));
    EXPECT_TRUE(store.remove("x"));
    EXPECT_FALSE(store.remove("x"));
    EXPECT_FALSE(store.exists("x"));
}

TEST_F(DirectoryTest, ListsEveryEntryButDotAndDotDot) {
    Directory store = open_store();
    EXPECT_TRUE(store.list().empty());
    store.replace("a", "");
    store.create_new("10.0.0.2", "c\r\neth0");
    ASSERT_EQ(::mkdir((dir_ + "/store/sub").c_str(), 0755), 0);
    std::vector<std::string> names = store.list();
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()),
              (std::set<std::string>{"a", "10.0.0.2", "sub"}));
    EXPECT_EQ(store.list().size(), 3u);  // a second listing starts from the beginning again
}

TEST_F(DirectoryTest, CheckWritableLeavesNothingBehind) {
    Directory store = open_store();
    EXPECT_NO_THROW(store.check_writable());
    EXPECT_EQ(test::names_in(dir_ + "/store"), std::set<std::string>{});
}

TEST_F(DirectoryTest, TempFileOwnerIsThePidInTheName) {
    EXPECT_EQ(temp_file_owner(".tmp.1234.99.0"), 1234);
    EXPECT_EQ(temp_file_owner(".tmp.1.2.3"), 1);
    for (const char* name : {"10.0.0.2", ".tmp.", ".tmp.x.1.2", ".tmp.12", ".tmp.0.1.2",
                             ".tmp.-5.1.2", "tmp.12.1.2", "lock"})
        EXPECT_EQ(temp_file_owner(name), std::nullopt) << name;
}

TEST_F(DirectoryTest, ADanglingSymlinkCountsAsTakenAndIsNotFollowed) {
    Directory store = open_store();
    ASSERT_EQ(::symlink((dir_ + "/elsewhere").c_str(), (dir_ + "/store/10.0.0.9").c_str()), 0);
    EXPECT_TRUE(store.exists("10.0.0.9"));
    EXPECT_FALSE(store.create_new("10.0.0.9", "c\r\neth0"));
    EXPECT_THROW(store.read("10.0.0.9"), SystemError);
    EXPECT_EQ(test::mode_of(dir_ + "/elsewhere"), -1);
}

}  // namespace
}  // namespace nsveth::ipam
