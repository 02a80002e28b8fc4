// parse_environment and the name rules: which variables each command needs, empty == unset,
// every missing variable named at once, and hostile container IDs and interface names refused.
#include "plugin/environment.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "tests/unit/plugin/catch_cni_error.h"

namespace nsveth {
namespace {

// What libcni passes for an ADD, with `changes` applied on top.
Environment add_env(const Environment& changes = {}) {
    Environment env = {
        {"CNI_COMMAND", "ADD"},
        {"CNI_CONTAINERID", "c0ffee"},
        {"CNI_NETNS", "/run/netns/x"},
        {"CNI_IFNAME", "eth0"},
        {"CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=web"},
        {"CNI_PATH", "/opt/cni/bin:/usr/lib/cni"},
        {"PATH", "/usr/bin"},
    };
    for (const auto& [name, value] : changes) env[name] = value;
    return env;
}

TEST(ParseEnvironment, ReadsEveryVariableOfAnAdd) {
    const CniEnv env = parse_environment(add_env());
    EXPECT_EQ(env.command, Command::kAdd);
    EXPECT_EQ(env.container_id, "c0ffee");
    EXPECT_EQ(env.netns, "/run/netns/x");
    EXPECT_EQ(env.ifname, "eth0");
    EXPECT_EQ(env.args, "IgnoreUnknown=1;K8S_POD_NAME=web");
    EXPECT_EQ(env.path, "/opt/cni/bin:/usr/lib/cni");
}

TEST(ParseEnvironment, MapsEachCommandCaseSensitively) {
    const std::pair<const char*, Command> commands[] = {
        {"ADD", Command::kAdd},         {"DEL", Command::kDel},       {"CHECK", Command::kCheck},
        {"VERSION", Command::kVersion}, {"STATUS", Command::kStatus}, {"GC", Command::kGc},
    };
    for (const auto& [name, command] : commands)
        EXPECT_EQ(parse_environment(add_env({{"CNI_COMMAND", name}})).command, command) << name;

    for (const char* unknown : {"add", "Del", "INIT", "ADD "}) {
        const CniError error = catch_cni_error([&] {
            parse_environment(add_env({{"CNI_COMMAND", unknown}}));
        });
        EXPECT_EQ(error.code(), kInvalidEnvironment);
        EXPECT_EQ(error.what(), "unknown CNI_COMMAND \"" + std::string(unknown) + "\"");
    }
}

TEST(ParseEnvironment, MissingOrEmptyCommandIsNamed) {
    for (const Environment& env : {Environment{}, Environment{{"CNI_COMMAND", ""}}}) {
        const CniError error = catch_cni_error([&] { parse_environment(env); });
        EXPECT_EQ(error.code(), kInvalidEnvironment);
        EXPECT_STREQ(error.what(), "required environment variables missing: CNI_COMMAND");
    }
}

TEST(ParseEnvironment, AddAndCheckNameEveryMissingVariable) {
    for (const char* command : {"ADD", "CHECK"}) {
        // Unset and set-but-empty (what libcni sends) must read the same.
        const Environment unset = {{"CNI_COMMAND", command}};
        const Environment empty = {{"CNI_COMMAND", command},
                                   {"CNI_CONTAINERID", ""},
                                   {"CNI_NETNS", ""},
                                   {"CNI_IFNAME", ""}};
        for (const Environment& env : {unset, empty}) {
            const CniError error = catch_cni_error([&] { parse_environment(env); });
            EXPECT_EQ(error.code(), kInvalidEnvironment) << command;
            EXPECT_STREQ(error.what(),
                         "required environment variables missing: CNI_CONTAINERID, CNI_NETNS, "
                         "CNI_IFNAME")
                << command;
        }
    }
    const CniError error = catch_cni_error([] { parse_environment(add_env({{"CNI_NETNS", ""}})); });
    EXPECT_STREQ(error.what(), "required environment variables missing: CNI_NETNS");
}

TEST(ParseEnvironment, DelDoesNotNeedANetns) {
    Environment env = add_env({{"CNI_COMMAND", "DEL"}});
    env.erase("CNI_NETNS");
    EXPECT_EQ(parse_environment(env).netns, "");
    EXPECT_EQ(parse_environment(add_env({{"CNI_COMMAND", "DEL"}, {"CNI_NETNS", ""}})).netns, "");
    EXPECT_EQ(parse_environment(add_env({{"CNI_COMMAND", "DEL"}})).netns, "/run/netns/x");

    const CniError error = catch_cni_error([] {
        parse_environment({{"CNI_COMMAND", "DEL"}, {"CNI_CONTAINERID", ""}, {"CNI_NETNS", ""}});
    });
    EXPECT_EQ(error.code(), kInvalidEnvironment);
    EXPECT_STREQ(error.what(),
                 "required environment variables missing: CNI_CONTAINERID, CNI_IFNAME");
}

TEST(ParseEnvironment, VersionStatusAndGcIgnoreTheAttachmentVariables) {
    for (const char* command : {"VERSION", "STATUS", "GC"}) {
        // libcni's STATUS/GC: everything empty; its VERSION: dummy values. Neither is validated.
        const Environment libcni_empty = {{"CNI_COMMAND", command}, {"CNI_CONTAINERID", ""},
                                          {"CNI_NETNS", ""},        {"CNI_IFNAME", ""},
                                          {"CNI_ARGS", ""},         {"CNI_PATH", "/opt/cni/bin"}};
        const CniEnv empty = parse_environment(libcni_empty);
        EXPECT_EQ(empty.path, "/opt/cni/bin");
        EXPECT_EQ(empty.container_id, "");

        const CniEnv hostile = parse_environment(add_env({{"CNI_COMMAND", command},
                                                          {"CNI_CONTAINERID", "../../etc"},
                                                          {"CNI_IFNAME", "much-too-long-name"}}));
        EXPECT_EQ(hostile.container_id, "");
        EXPECT_EQ(hostile.ifname, "");
        EXPECT_EQ(hostile.netns, "");
        EXPECT_EQ(hostile.args, "IgnoreUnknown=1;K8S_POD_NAME=web");
        EXPECT_EQ(hostile.path, "/opt/cni/bin:/usr/lib/cni");
    }
}

TEST(ParseEnvironment, RefusesHostileContainerIds) {
    const CniError traversal = catch_cni_error([] {
        parse_environment(add_env({{"CNI_CONTAINERID", "../../etc"}}));
    });
    EXPECT_EQ(traversal.code(), kInvalidEnvironment);
    EXPECT_STREQ(
        traversal.what(),
        R"(invalid CNI_CONTAINERID "../../etc": must match ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$)");

    for (const char* id : {"-abc", "a/b", ".hidden", "_x", "a b", "a:b", "caf\xc3\xa9"}) {
        for (const char* command : {"ADD", "DEL", "CHECK"}) {
            const CniError error = catch_cni_error([&] {
                parse_environment(add_env({{"CNI_COMMAND", command}, {"CNI_CONTAINERID", id}}));
            });
            EXPECT_EQ(error.code(), kInvalidEnvironment) << id;
            EXPECT_NE(std::string(error.what()).find("invalid CNI_CONTAINERID"), std::string::npos)
                << error.what();
        }
    }
    // Non-ASCII and control bytes are escaped, so the message stays valid UTF-8.
    const CniError escaped = catch_cni_error([] {
        parse_environment(add_env({{"CNI_CONTAINERID", "a\n\xff\"b"}}));
    });
    EXPECT_EQ(std::string(escaped.what()).substr(0, 40),
              R"(invalid CNI_CONTAINERID "a\x0a\xff\x22b")");
}

TEST(ParseEnvironment, AddRefusesContainerIdsTooLongForTheStoreFileName) {
    // "<id>@eth0" may take 255 bytes: 250 for the ID.
    const std::string longest(250, 'a');
    EXPECT_EQ(parse_environment(add_env({{"CNI_CONTAINERID", longest}})).container_id, longest);
    const CniError error = catch_cni_error(
        [&] { parse_environment(add_env({{"CNI_CONTAINERID", longest + "a"}})); });
    EXPECT_EQ(error.code(), kInvalidEnvironment);
    EXPECT_STREQ(error.what(),
                 "CNI_CONTAINERID is too long: \"<CNI_CONTAINERID>@<CNI_IFNAME>\" is 256 bytes, "
                 "more than a file name's 255");
    // Another IPAM may have served such an attachment: DEL and CHECK must get through.
    for (const char* command : {"DEL", "CHECK"})
        EXPECT_EQ(parse_environment(add_env({{"CNI_COMMAND", command},
                                             {"CNI_CONTAINERID", longest + "a"}}))
                      .container_id.size(),
                  251u);
}

TEST(IsValidContainerId, FollowsTheSpecPattern) {
    for (const char* good : {"a", "0", "c0ffee", "A-b_c.d", "pod.1-2_3", "a..", "a-"})
        EXPECT_TRUE(is_valid_container_id(good)) << good;
    EXPECT_TRUE(is_valid_container_id(std::string(64, 'f')));
    for (const char* bad : {"", "-abc", "a/b", "../../etc", ".", "_a", "a b", "a\tb", "a;b", "a$b"})
        EXPECT_FALSE(is_valid_container_id(bad)) << bad;
}

TEST(IsValidIfname, FollowsTheKernelRules) {
    for (const char* good : {"eth0", "e", "a.b", "...", "veth-1_2", "123456789012345"})
        EXPECT_TRUE(is_valid_ifname(good)) << good;
    for (const char* bad :
         {"", "1234567890123456", "a/b", "a:b", "a b", "a\tb", "a\nb", ".", "..", "a\xa0"})
        EXPECT_FALSE(is_valid_ifname(bad)) << bad;
    EXPECT_FALSE(is_valid_ifname(std::string_view("a\0b", 3)));
}

TEST(ParseEnvironment, RefusesInvalidInterfaceNamesWithValueAndRule) {
    for (const char* ifname : {"1234567890123456", "a/b", "a:b", "a b", ".", ".."}) {
        for (const char* command : {"ADD", "DEL", "CHECK"}) {
            const CniError error = catch_cni_error([&] {
                parse_environment(add_env({{"CNI_COMMAND", command}, {"CNI_IFNAME", ifname}}));
            });
            EXPECT_EQ(error.code(), kInvalidEnvironment) << ifname;
            EXPECT_EQ(error.what(), "invalid CNI_IFNAME \"" + std::string(ifname) +
                                        R"(": must be 1 to 15 bytes, not "." or "..", without )"
                                        "'/', ':' or whitespace");
        }
    }
}

}  // namespace
}  // namespace nsveth
