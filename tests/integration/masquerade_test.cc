// netns/masquerade against the real kernel, each test inside a throwaway "host" namespace: what
// `nft` sees after add/remove/GC, owners kept apart by tag (same address, other network), exact
// verification, idempotence, concurrent writers, all-or-nothing batches refused whole on a stale
// generation, errors naming the refused change, and packets actually leaving a forwarding
// namespace with the host's address.
#include "netns/masquerade.h"

#include <gtest/gtest.h>
#include <linux/netfilter/nf_tables.h>

#include <cerrno>
#include <regex>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "netns/masquerade_rule.h"
#include "netns/masquerade_tag.h"
#include "tests/support/sandbox.h"

namespace nsveth::testing {
namespace {

IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

const MasqueradeOwner kA{"net1", "container-a", "eth0"};
const MasqueradeOwner kB{"net1", "container-b", "eth0"};
const MasqueradeOwner kC{"net2", "container-c", "eth0"};

class Masquerade : public ::testing::Test {
protected:
    Masquerade() : host_("nsvt-mq"), inside_(host_.netns()) {}

    /// `nft -a list ruleset` in the throwaway host namespace.
    std::string ruleset() const {
        ProcessResult result = shell_in(host_.path(), "nft -a list ruleset");
        EXPECT_EQ(result.status, 0) << result.err;
        return result.out;
    }
    /// The ruleset lines that masquerade.
    std::vector<std::string> masquerade_lines() const {
        std::vector<std::string> lines;
        std::istringstream in(ruleset());
        for (std::string line; std::getline(in, line);)
            if (line.find(" masquerade ") != std::string::npos) lines.push_back(line);
        return lines;
    }
    /// The handle of the one rule whose line contains `text`.
    std::string handle_of(const std::string& text) const {
        std::smatch match;
        for (const std::string& line : masquerade_lines())
            if (line.find(text) != std::string::npos &&
                std::regex_search(line, match, std::regex("# handle ([0-9]+)")))
                return match[1];
        ADD_FAILURE() << "no rule with " << text << " in\n" << ruleset();
        return "0";
    }
    ProcessResult nft(const std::string& arguments) const {
        return shell_in(host_.path(), "nft " + arguments);
    }

    ScopedNetns host_;
    NetnsGuard inside_;
};

TEST(MasqueradeTag, FixedPrefixReadableTailAndLengthCap) {
    const std::string comment = masquerade_comment(kA);
    EXPECT_TRUE(std::regex_match(
        comment, std::regex("nsveth/[0-9a-f]{16}/[0-9a-f]{32} net=net1 if=eth0 id=container-a")))
        << comment;
    EXPECT_EQ(masquerade_owner_tag_of(comment), masquerade_owner_tag(kA));
    EXPECT_TRUE(comment.starts_with(masquerade_network_tag("net1")));
    EXPECT_EQ(masquerade_owner_tag_of("hello"), "");

    const MasqueradeOwner long_owner{std::string(200, 'n'), std::string(64, 'c') + "\"x", "eth0"};
    const std::string long_comment = masquerade_comment(long_owner);
    EXPECT_EQ(long_comment.size(), kMaxMasqueradeCommentLength);
    EXPECT_EQ(masquerade_owner_tag_of(long_comment), masquerade_owner_tag(long_owner));
    EXPECT_EQ(masquerade_comment({"a", "b\"\\\n", "c"}).substr(57), "net=a if=c id=b???");

    // Moving bytes between fields gives another owner; the network alone gives the network tag.
    EXPECT_NE(masquerade_owner_tag({"ab", "c", "eth0"}), masquerade_owner_tag({"a", "bc", "eth0"}));
    EXPECT_NE(masquerade_owner_tag(kA), masquerade_owner_tag(kB));
    EXPECT_TRUE(masquerade_owner_tag(kB).starts_with(masquerade_network_tag("net1")));
    EXPECT_FALSE(masquerade_owner_tag(kC).starts_with(masquerade_network_tag("net1")));
}

TEST_F(Masquerade, AddCreatesTableChainAndTaggedRules) {
    add_masquerade(kA, {prefix("10.22.0.5/24")});
    const std::string text = ruleset();
    EXPECT_NE(text.find("table inet nsveth {"), std::string::npos) << text;
    EXPECT_NE(text.find("chain postrouting {"), std::string::npos) << text;
    EXPECT_NE(text.find("type nat hook postrouting priority srcnat; policy accept;"),
              std::string::npos)
        << text;
    const auto lines = masquerade_lines();
    ASSERT_EQ(lines.size(), 1u) << text;
    EXPECT_NE(lines[0].find("ip saddr 10.22.0.5 ip daddr != 10.22.0.0/24 ip daddr != "
                            "224.0.0.0/4 masquerade comment \"" +
                            masquerade_comment(kA) + "\""),
              std::string::npos)
        << lines[0];
    EXPECT_TRUE(has_masquerade(kA, {prefix("10.22.0.5/24")}));
    EXPECT_FALSE(has_masquerade(kB, {prefix("10.22.0.5/24")}));
    EXPECT_FALSE(has_masquerade(kA, {prefix("10.22.0.5/16")}));
    EXPECT_FALSE(has_masquerade(kA, {prefix("10.22.0.5/24"), prefix("10.22.0.6/24")}));
}

TEST_F(Masquerade, Ipv6AndPrefixesEndingInsideAByte) {
    add_masquerade(kA, {prefix("fd00:22::5/64"), prefix("10.22.3.5/20"), prefix("fd00:23::7/61")});
    const auto lines = masquerade_lines();
    ASSERT_EQ(lines.size(), 3u) << ruleset();
    EXPECT_NE(lines[0].find("ip6 saddr fd00:22::5 ip6 daddr != fd00:22::/64 ip6 daddr != ff00::/8 "
                            "masquerade"),
              std::string::npos)
        << lines[0];
    EXPECT_NE(lines[1].find("ip saddr 10.22.3.5 ip daddr != 10.22.0.0/20 ip daddr != 224.0.0.0/4 "
                            "masquerade"),
              std::string::npos)
        << lines[1];
    EXPECT_NE(lines[2].find("ip6 saddr fd00:23::7 ip6 daddr != fd00:23::/61 "), std::string::npos)
        << lines[2];
    EXPECT_TRUE(has_masquerade(
        kA, {prefix("10.22.3.5/20"), prefix("fd00:23::7/61"), prefix("fd00:22::5/64")}));
}

TEST_F(Masquerade, HasIsFalseAfterTamperingAndAddRepairs) {
    const std::vector<IpPrefix> addresses = {prefix("10.22.0.5/24"), prefix("fd00:22::5/64")};
    add_masquerade(kA, addresses);
    ASSERT_TRUE(has_masquerade(kA, addresses));
    ASSERT_EQ(nft("delete rule inet nsveth postrouting handle " + handle_of("fd00:22::5")).status,
              0);
    EXPECT_FALSE(has_masquerade(kA, addresses));
    EXPECT_TRUE(has_masquerade(kA, {addresses[0]}));

    // A rule with our comment but another match is not ours as far as `has` is concerned.
    ASSERT_EQ(nft("add rule inet nsveth postrouting ip saddr 10.22.0.5 masquerade comment '\"" +
                  masquerade_comment(kA) + "\"'")
                  .status,
              0)
        << ruleset();
    EXPECT_FALSE(has_masquerade(kA, {addresses[0]}));

    add_masquerade(kA, addresses);
    EXPECT_TRUE(has_masquerade(kA, addresses));
    EXPECT_EQ(masquerade_lines().size(), 2u) << ruleset();
}

TEST_F(Masquerade, AddTwiceChangesNothingAndAddAgainReplaces) {
    add_masquerade(kA, {prefix("10.22.0.5/24"), prefix("10.22.0.5/24")});
    const std::string before = ruleset();
    add_masquerade(kA, {prefix("10.22.0.5/24")});
    EXPECT_EQ(ruleset(), before);  // same rules, same handles
    EXPECT_EQ(masquerade_lines().size(), 1u);

    add_masquerade(kA, {prefix("10.22.0.6/24")});
    const auto lines = masquerade_lines();
    ASSERT_EQ(lines.size(), 1u) << ruleset();
    EXPECT_NE(lines[0].find("ip saddr 10.22.0.6 "), std::string::npos);
    EXPECT_TRUE(has_masquerade(kA, {prefix("10.22.0.6/24")}));
}

TEST_F(Masquerade, RemoveByOwnerNeedsNoAddress) {
    add_masquerade(kA, {prefix("10.22.0.5/24"), prefix("fd00:22::5/64")});
    EXPECT_TRUE(remove_masquerade(kA));
    EXPECT_TRUE(masquerade_lines().empty()) << ruleset();
    EXPECT_FALSE(has_masquerade(kA, {prefix("10.22.0.5/24")}));
    EXPECT_FALSE(remove_masquerade(kA));
}

TEST_F(Masquerade, OwnersOfTheSameAddressStayApart) {
    add_masquerade(kA, {prefix("10.22.0.5/24")});
    add_masquerade(kB, {prefix("10.22.0.5/24")});  // the address was reused before A's DEL
    EXPECT_EQ(masquerade_lines().size(), 2u);
    EXPECT_TRUE(has_masquerade(kA, {prefix("10.22.0.5/24")}));
    EXPECT_TRUE(has_masquerade(kB, {prefix("10.22.0.5/24")}));

    EXPECT_TRUE(remove_masquerade(kA));
    const auto lines = masquerade_lines();
    ASSERT_EQ(lines.size(), 1u) << ruleset();
    EXPECT_NE(lines[0].find(masquerade_comment(kB)), std::string::npos);
    EXPECT_TRUE(has_masquerade(kB, {prefix("10.22.0.5/24")}));
    EXPECT_FALSE(has_masquerade(kA, {prefix("10.22.0.5/24")}));
}

TEST_F(Masquerade, GarbageCollectionKeepsValidOwnersAndOtherNetworks) {
    add_masquerade(kA, {prefix("10.22.0.5/24")});
    add_masquerade(kB, {prefix("10.22.0.6/24"), prefix("fd00:22::6/64")});
    add_masquerade(kC, {prefix("10.23.0.5/24")});
    // Someone else's rule in our chain is never ours to collect.
    ASSERT_EQ(nft("add rule inet nsveth postrouting ip saddr 10.99.0.1 masquerade").status, 0);

    EXPECT_EQ(collect_masquerade_garbage("net1", {{"container-a", "eth0"}}), 1u);
    EXPECT_TRUE(has_masquerade(kA, {prefix("10.22.0.5/24")}));
    EXPECT_FALSE(has_masquerade(kB, {prefix("10.22.0.6/24"), prefix("fd00:22::6/64")}));
    EXPECT_TRUE(has_masquerade(kC, {prefix("10.23.0.5/24")}));

    EXPECT_EQ(collect_masquerade_garbage("net1", {}), 1u);
    EXPECT_FALSE(has_masquerade(kA, {prefix("10.22.0.5/24")}));
    EXPECT_TRUE(has_masquerade(kC, {prefix("10.23.0.5/24")}));
    const auto lines = masquerade_lines();
    ASSERT_EQ(lines.size(), 2u) << ruleset();
    EXPECT_NE(lines[1].find("ip saddr 10.99.0.1 masquerade"), std::string::npos) << lines[1];
    EXPECT_EQ(collect_masquerade_garbage("net1", {}), 0u);
}

TEST_F(Masquerade, NothingThereIsNoError) {
    EXPECT_FALSE(remove_masquerade(kA));
    EXPECT_EQ(collect_masquerade_garbage("net1", {}), 0u);
    EXPECT_FALSE(has_masquerade(kA, {prefix("10.22.0.5/24")}));
    EXPECT_TRUE(has_masquerade(kA, {}));
    EXPECT_EQ(ruleset(), "");  // reading creates nothing

    // The table without the chain, and the chain empty: still nothing to remove.
    ASSERT_EQ(nft("add table inet nsveth").status, 0);
    EXPECT_FALSE(remove_masquerade(kA));
    EXPECT_EQ(collect_masquerade_garbage("net1", {}), 0u);
    add_masquerade(kA, {prefix("10.22.0.5/24")});
    EXPECT_TRUE(remove_masquerade(kA));
    EXPECT_FALSE(remove_masquerade(kA));
    EXPECT_EQ(collect_masquerade_garbage("net1", {}), 0u);
}

TEST_F(Masquerade, ErrorsNameTheChangeAndLeaveNothingBehind) {
    ASSERT_EQ(nft("'add table inet nsveth; add chain inet nsveth postrouting { type nat hook "
                  "postrouting priority 50; }'")
                  .status,
              0);
    try {
        add_masquerade(kA, {prefix("10.22.0.5/24")});
        FAIL() << "a chain with another priority was accepted";
    } catch (const SystemError& error) {
        // The kernel sends no extack for this one (nft cannot point anywhere either).
        EXPECT_TRUE(error.error() == EOPNOTSUPP || error.error() == EEXIST) << error.what();
        EXPECT_TRUE(std::string(error.what())
                        .starts_with("add masquerade for network net1 container container-a "
                                     "interface eth0: create chain postrouting in host: "))
            << error.what();
    }
    EXPECT_TRUE(masquerade_lines().empty());  // the batch left nothing behind

    try {
        add_masquerade(kA, {prefix("10.22.0.5/0")});
        FAIL();
    } catch (const SystemError& error) {
        EXPECT_EQ(error.error(), EINVAL);
    }
}

TEST_F(Masquerade, BatchIsAllOrNothingAndReportsTheRefusedAttribute) {
    NftSocket socket = NftSocket::open("test");
    NftBatch batch(socket.generation());
    NftTable table = masquerade_table();
    batch.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, *table, "create table");
    NftRule rule = masquerade_rule(prefix("10.22.0.5/24"), "x");
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, "missing");
    batch.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, *rule, "add rule to missing");
    try {
        socket.commit(batch, "commit");
        FAIL();
    } catch (const SystemError& error) {
        EXPECT_EQ(error.error(), ENOENT);
        // NFTA_RULE_CHAIN is attribute 2; nf_tables marks it instead of sending text.
        EXPECT_TRUE(std::regex_match(
            std::string(error.what()),
            std::regex("commit: add rule to missing in test: .* \\(kernel: refused attribute "
                       "type 2 at byte [0-9]+\\)")))
            << error.what();
    }
    EXPECT_EQ(ruleset(), "");  // the table of the same batch was not created either
}

TEST_F(Masquerade, StaleGenerationIsRefusedWhole) {
    NftSocket socket = NftSocket::open("test");
    NftBatch batch(socket.generation());
    NftTable table = masquerade_table();
    batch.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, *table, "create table");
    ASSERT_EQ(nft("add table inet other").status, 0);  // another writer gets in between
    EXPECT_FALSE(socket.commit(batch, "commit"));
    EXPECT_EQ(ruleset().find("nsveth"), std::string::npos);
    NftBatch fresh(socket.generation());
    fresh.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, *table, "create table");
    EXPECT_TRUE(socket.commit(fresh, "commit"));
    EXPECT_NE(ruleset().find("table inet nsveth"), std::string::npos);
}

TEST_F(Masquerade, ConcurrentWritersNeverDuplicate) {
    // Same owner from several threads at once: the generation check makes each add see the
    // others' result, so there is exactly one rule at the end, never two.
    std::vector<std::thread> threads;
    std::vector<std::string> failures(6);
    for (std::size_t i = 0; i < failures.size(); ++i)
        threads.emplace_back([&, i] {
            try {
                NetnsGuard here(host_.netns());
                for (int round = 0; round < 10; ++round) {
                    add_masquerade(kA, {prefix("10.22.0.5/24")});
                    const MasqueradeOwner mine{"net1", "c" + std::to_string(i), "eth0"};
                    add_masquerade(mine, {prefix("10.22.0.5/24")});
                }
            } catch (const std::exception& error) {
                failures[i] = error.what();
            }
        });
    for (auto& thread : threads) thread.join();
    for (const auto& failure : failures) EXPECT_EQ(failure, "");
    EXPECT_TRUE(has_masquerade(kA, {prefix("10.22.0.5/24")}));
    EXPECT_EQ(masquerade_lines().size(), failures.size() + 1) << ruleset();
}

// pod —veth— host —veth— outside. The outside namespace knows the host's link (192.0.2.0/24) but
// has no route to the pod subnet, so a ping from the pod gets an answer only when the host
// rewrote its source to the host's own address.
TEST_F(Masquerade, PodReachesOutsideOnlyWhenMasqueraded) {
    ScopedNetns pod("nsvt-mqpod");
    ScopedNetns outside("nsvt-mqout");
    const std::string setup = "set -e; ip link add h0 type veth peer name p0 netns " + pod.name() +
                              "; ip link add h1 type veth peer name o1 netns " + outside.name() +
                              "; ip addr add 10.22.0.1/24 dev h0; ip link set h0 up"
                              "; ip addr add 192.0.2.1/24 dev h1; ip link set h1 up"
                              "; sysctl -qw net.ipv4.ip_forward=1";
    ProcessResult result = shell_in(host_.path(), setup);
    ASSERT_EQ(result.status, 0) << result.err;
    result = shell_in(pod.path(),
                      "set -e; ip addr add 10.22.0.5/24 dev p0; ip link set p0 up"
                      "; ip route add default via 10.22.0.1");
    ASSERT_EQ(result.status, 0) << result.err;
    result = shell_in(outside.path(), "set -e; ip addr add 192.0.2.2/24 dev o1; ip link set o1 up");
    ASSERT_EQ(result.status, 0) << result.err;
    auto ping = [&] { return shell_in(pod.path(), "ping -c1 -W1 192.0.2.2").status; };

    EXPECT_NE(ping(), 0) << "answered without masquerading: the outside can route to the pod";
    const MasqueradeOwner owner{"net1", "pod", "eth0"};
    add_masquerade(owner, {prefix("10.22.0.5/24")});
    EXPECT_EQ(ping(), 0) << ruleset();
    ASSERT_TRUE(remove_masquerade(owner));
    EXPECT_NE(ping(), 0) << ruleset();  // a new ping is a new ICMP id, so a new, unNATed flow
}

}  // namespace
}  // namespace nsveth::testing
