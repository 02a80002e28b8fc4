// resolv.conf parsing for ipam.resolvConf.
#include "plugin/resolv_conf.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "common/error.h"

namespace nsveth {
namespace {

TEST(ResolvConf, KeywordsCommentsAndLastSearchWins) {
    Dns dns = parse_resolv_conf(
        "# a comment\n"
        "nameserver 10.0.0.53\n"
        "nameserver fd00::53 ; trailing comment\n"
        "domain example.org\n"
        "search a.example b.example\n"
        "search c.example\n"
        "options ndots:5 edns0\n"
        "sortlist 10.0.0.0\n");
    EXPECT_EQ(dns.nameservers, (std::vector<std::string>{"10.0.0.53", "fd00::53"}));
    EXPECT_EQ(dns.domain, "example.org");
    EXPECT_EQ(dns.search, (std::vector<std::string>{"c.example"}));
    EXPECT_EQ(dns.options, (std::vector<std::string>{"ndots:5", "edns0"}));
}

TEST(ResolvConf, TabsCarriageReturnsAndEmptyKeywords) {
    Dns dns = parse_resolv_conf(
        "nameserver\t10.0.0.53\r\n"
        "\t search  a.example\tb.example \r\n"
        "\n"
        "   \n"
        "domain\n"
        "options");
    EXPECT_EQ(dns.nameservers, (std::vector<std::string>{"10.0.0.53"}));
    EXPECT_EQ(dns.search, (std::vector<std::string>{"a.example", "b.example"}));
    EXPECT_EQ(dns.domain, "");
    EXPECT_TRUE(dns.options.empty());
}

TEST(ResolvConf, ReadsAFile) {
    char path[] = "/tmp/nsveth-resolv-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    const std::string text = "nameserver 10.0.0.53\nsearch example.org\n";
    ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    close(fd);
    Dns dns = read_resolv_conf(path);
    unlink(path);
    EXPECT_EQ(dns.nameservers, (std::vector<std::string>{"10.0.0.53"}));
    EXPECT_EQ(dns.search, (std::vector<std::string>{"example.org"}));
}

/// read_resolv_conf(path) fails with kInvalidConfig and a message that contains `fragment`.
void expect_unreadable(const std::string& path, const std::string& fragment) {
    try {
        read_resolv_conf(path);
        FAIL() << path << " was read";
    } catch (const CniError& error) {
        EXPECT_EQ(error.code(), kInvalidConfig);
        EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
}

TEST(ResolvConf, MissingFileOrDirectoryIsAConfigError) {
    expect_unreadable("/nonexistent/resolv.conf", "/nonexistent/resolv.conf");
    expect_unreadable("/tmp", "Is a directory");
}

}  // namespace
}  // namespace nsveth
