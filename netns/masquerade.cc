// add/remove/has/GC of masquerade rules. Every change is planned from one read of the ruleset
// (generation + our chain's rules) and committed as one batch bound to that generation; when
// another writer got in between, the kernel refuses the batch and we plan again from a new read.
// Owners are told apart only by the tag in the rule comment, never by address.
#include "netns/masquerade.h"

#include <linux/netfilter/nf_tables.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <set>

#include "common/error.h"
#include "netns/masquerade_rule.h"
#include "netns/masquerade_tag.h"
#include "netns/nftables_batch.h"

namespace nsveth {

namespace {

constexpr int kAttempts = 32;
constexpr const char* kWhere = "host";

/// A rule of our chain as read back: enough to delete it and to tell whose it is and what it does.
struct ChainRule {
    std::uint64_t handle;
    std::string owner_tag;  // empty when it is no nsveth rule (someone else's, left alone)
    std::string comment;
    std::string fingerprint;
};

std::vector<ChainRule> read_chain(NftSocket& socket) {
    std::vector<ChainRule> rules;
    for (const NftRule& rule :
         socket.list_rules(kMasqueradeFamily, kMasqueradeTable, kMasqueradeChain)) {
        std::string comment = rule_comment(*rule);
        rules.push_back({nftnl_rule_get_u64(rule.get(), NFTNL_RULE_HANDLE),
                         masquerade_owner_tag_of(comment), comment, rule_fingerprint(*rule)});
    }
    return rules;
}

std::string describe(const MasqueradeOwner& owner) {
    return "network " + owner.network + " container " + owner.container_id + " interface " +
           owner.ifname;
}

/// Reads, lets `plan(rules, batch)` fill a batch (false: nothing to do), commits; retries from a
/// fresh read when the generation moved on. Throws SystemError.
template <typename Plan>
void transact(NftSocket& socket, const std::string& action, Plan&& plan) {
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        NftBatch batch(socket.generation());
        const std::vector<ChainRule> rules = read_chain(socket);
        if (!plan(rules, batch)) return;
        if (socket.commit(batch, action)) return;
    }
    throw SystemError(EAGAIN, action + " in " + kWhere + " (the nftables ruleset kept changing)");
}

void delete_rule(NftBatch& batch, const ChainRule& rule) {
    NftRule handle = masquerade_rule_handle(rule.handle);
    batch.add(NFT_MSG_DELRULE, 0, *handle, "delete rule handle " + std::to_string(rule.handle));
}

/// Deletes every rule whose owner tag is `tag`; false when there was none.
bool remove_tagged(NftSocket& socket, const std::string& tag, const std::string& what) {
    bool removed = false;
    transact(socket, "remove masquerade of " + what,
             [&](const std::vector<ChainRule>& rules, NftBatch& batch) {
                 for (const ChainRule& rule : rules)
                     if (rule.owner_tag == tag) delete_rule(batch, rule);
                 removed = !batch.empty();
                 return removed;
             });
    return removed;
}

struct WantedRule {
    IpPrefix address;
    NftRule rule;
    std::string fingerprint;
};

/// One rule per distinct address/subnet pair, in the order given.
std::vector<WantedRule> wanted_rules(const std::vector<IpPrefix>& addresses,
                                     const std::string& comment) {
    std::vector<WantedRule> wanted;
    for (const IpPrefix& address : addresses) {
        NftRule rule = masquerade_rule(address, comment);
        std::string fingerprint = rule_fingerprint(*rule);
        if (std::none_of(wanted.begin(), wanted.end(),
                         [&](const WantedRule& w) { return w.fingerprint == fingerprint; }))
            wanted.push_back({address, std::move(rule), std::move(fingerprint)});
    }
    return wanted;
}

std::vector<std::string> sorted_fingerprints(const std::vector<WantedRule>& wanted) {
    std::vector<std::string> fingerprints;
    for (const WantedRule& w : wanted) fingerprints.push_back(w.fingerprint);
    std::sort(fingerprints.begin(), fingerprints.end());
    return fingerprints;
}

std::vector<std::string> owned_fingerprints(const std::vector<ChainRule>& rules,
                                            const std::string& tag) {
    std::vector<std::string> fingerprints;
    for (const ChainRule& rule : rules)
        if (rule.owner_tag == tag) fingerprints.push_back(rule.fingerprint);
    std::sort(fingerprints.begin(), fingerprints.end());
    return fingerprints;
}

}  // namespace

void add_masquerade(const MasqueradeOwner& owner, const std::vector<IpPrefix>& addresses) {
    const std::string comment = masquerade_comment(owner);
    const std::string tag = masquerade_owner_tag(owner);
    std::vector<WantedRule> wanted = wanted_rules(addresses, comment);
    const std::vector<std::string> want = sorted_fingerprints(wanted);
    NftSocket socket = NftSocket::open(kWhere);
    transact(socket, "add masquerade for " + describe(owner),
             [&](const std::vector<ChainRule>& rules, NftBatch& batch) {
                 // Already exactly these rules, comments included: leave them (and their
                 // counters and handles) alone.
                 const bool current = std::all_of(rules.begin(), rules.end(), [&](const auto& r) {
                     return r.owner_tag != tag || r.comment == comment;
                 });
                 if (current && owned_fingerprints(rules, tag) == want) return false;

                 NftTable table = masquerade_table();
                 NftChain chain = masquerade_chain();
                 batch.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, *table,
                           std::string("create table inet ") + kMasqueradeTable);
                 batch.add(NFT_MSG_NEWCHAIN, NLM_F_CREATE, *chain,
                           std::string("create chain ") + kMasqueradeChain);
                 for (const ChainRule& rule : rules)
                     if (rule.owner_tag == tag) delete_rule(batch, rule);
                 for (WantedRule& w : wanted)
                     batch.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, *w.rule,
                               "add rule for " + w.address.to_string());
                 return true;
             });
}

bool remove_masquerade(const MasqueradeOwner& owner) {
    NftSocket socket = NftSocket::open(kWhere);
    return remove_tagged(socket, masquerade_owner_tag(owner), describe(owner));
}

bool has_masquerade(const MasqueradeOwner& owner, const std::vector<IpPrefix>& addresses) {
    const std::vector<std::string> want =
        sorted_fingerprints(wanted_rules(addresses, masquerade_comment(owner)));
    NftSocket socket = NftSocket::open(kWhere);
    return owned_fingerprints(read_chain(socket), masquerade_owner_tag(owner)) == want;
}

std::size_t collect_masquerade_garbage(
    const std::string& network, const std::vector<std::pair<std::string, std::string>>& valid) {
    std::set<std::string> valid_tags;
    for (const auto& [container_id, ifname] : valid)
        valid_tags.insert(masquerade_owner_tag({network, container_id, ifname}));
    const std::string network_tag = masquerade_network_tag(network);

    NftSocket socket = NftSocket::open(kWhere);
    std::set<std::string> stale;
    for (const ChainRule& rule : read_chain(socket))
        if (rule.owner_tag.starts_with(network_tag) && !valid_tags.contains(rule.owner_tag))
            stale.insert(rule.owner_tag);

    std::size_t removed = 0;
    std::exception_ptr first_failure;
    for (const std::string& tag : stale) {
        try {
            if (remove_tagged(socket, tag, "network " + network + " owner " + tag)) ++removed;
        } catch (const std::exception&) {
            if (!first_failure) first_failure = std::current_exception();
        }
    }
    if (first_failure) std::rethrow_exception(first_failure);
    return removed;
}

}  // namespace nsveth
