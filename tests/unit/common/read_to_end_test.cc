// read_to_end: a pipe is read until its writer closes it however its data arrives, a file of
// several buffers is read whole, an empty file gives nothing, and a failed read says so.
#include "common/read_to_end.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "common/fd.h"

namespace nsveth {
namespace {

/// A regular file under /tmp holding `content`, removed with the object.
class TempFile {
public:
    explicit TempFile(const std::string& content) {
        char pattern[] = "/tmp/nsveth-read-test-XXXXXX";
        Fd fd(::mkstemp(pattern));
        EXPECT_TRUE(fd.valid());
        path_ = pattern;
        EXPECT_EQ(::write(fd.get(), content.data(), content.size()),
                  static_cast<ssize_t>(content.size()));
    }
    ~TempFile() { ::unlink(path_.c_str()); }
    Fd open() const { return Fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC)); }

private:
    std::string path_;
};

std::string pattern_of(std::size_t size) {
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + i % 26);
    return text;
}

TEST(ReadToEnd, StreamReadsEveryPieceUntilTheWriterCloses) {
    int ends[2];
    ASSERT_EQ(::pipe2(ends, O_CLOEXEC), 0);
    Fd read_end(ends[0]);
    Fd write_end(ends[1]);
    // Three writes with pauses between them: the reader sees short reads before the end.
    std::thread writer([fd = std::move(write_end)] {
        for (const char* piece : {"first ", "second ", "third"}) {
            ASSERT_GT(::write(fd.get(), piece, std::char_traits<char>::length(piece)), 0);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    std::string text = "kept:";
    EXPECT_TRUE(read_to_end(read_end.get(), text, FileKind::kStream));
    writer.join();
    EXPECT_EQ(text, "kept:first second third");
}

TEST(ReadToEnd, FileLargerThanOneBufferIsReadWhole) {
    const std::string content = pattern_of(3 * 4096 + 123);
    TempFile file(content);
    for (FileKind kind : {FileKind::kFile, FileKind::kStream}) {
        Fd fd = file.open();
        ASSERT_TRUE(fd.valid());
        std::string text;
        EXPECT_TRUE(read_to_end(fd.get(), text, kind));
        EXPECT_EQ(text, content);
    }
}

TEST(ReadToEnd, FileOfExactlyOneBufferIsReadWhole) {
    const std::string content = pattern_of(4096);
    TempFile file(content);
    Fd fd = file.open();
    std::string text;
    EXPECT_TRUE(read_to_end(fd.get(), text, FileKind::kFile));
    EXPECT_EQ(text, content);
}

TEST(ReadToEnd, StopsOnceMoreThanTheLimitIsRead) {
    TempFile file(pattern_of(5 * 4096));
    Fd fd = file.open();
    std::string text;
    EXPECT_TRUE(read_to_end(fd.get(), text, FileKind::kStream, 2 * 4096));
    EXPECT_EQ(text, pattern_of(3 * 4096));  // the read that passed the limit, and no further
}

TEST(ReadToEnd, EmptyFileGivesNothing) {
    TempFile file("");
    Fd fd = file.open();
    std::string text;
    EXPECT_TRUE(read_to_end(fd.get(), text, FileKind::kFile));
    EXPECT_EQ(text, "");
}

TEST(ReadToEnd, ProcfsValueIsReadWhole) {
    Fd fd(::open("/proc/sys/kernel/ostype", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(fd.valid());
    std::string text;
    EXPECT_TRUE(read_to_end(fd.get(), text, FileKind::kFile));
    EXPECT_EQ(text, "Linux\n");
}

TEST(ReadToEnd, FailedReadReturnsFalseWithErrno) {
    Fd fd(::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(fd.valid());
    std::string text = "unchanged";
    errno = 0;
    EXPECT_FALSE(read_to_end(fd.get(), text, FileKind::kFile));
    EXPECT_EQ(errno, EISDIR);
    EXPECT_EQ(text, "unchanged");
}

}  // namespace
}  // namespace nsveth
