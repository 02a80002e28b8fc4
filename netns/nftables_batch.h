// nf_tables over NETLINK_NETFILTER: owners for libnftnl objects, a batch of changes, and a socket
// that reads the ruleset generation, dumps rules and commits batches. libnftnl builds and parses
// the messages; the transport is NetlinkSocket's (netlink.h), which keeps the kernel's extended
// ack that libmnl's callbacks drop.
//
// A batch is one transaction: NFNL_MSG_BATCH_BEGIN carrying NFNL_BATCH_GENID, the changes, each
// with NLM_F_ACK, then NFNL_MSG_BATCH_END. The kernel applies all or nothing, and refuses the
// whole batch with ERESTART when the ruleset generation is no longer the one we read: that is
// our optimistic lock against every other writer (nft, firewalld, other plugin processes).
// Like a NetlinkSocket, an NftSocket works in the namespace it was opened in, wherever the calling
// thread is later.
#pragma once

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "netns/netlink.h"

namespace nsveth {

/// Frees whichever libnftnl object it is given; the owners below use it.
struct NftnlFree {
    void operator()(nftnl_table* table) const { nftnl_table_free(table); }
    void operator()(nftnl_chain* chain) const { nftnl_chain_free(chain); }
    void operator()(nftnl_rule* rule) const { nftnl_rule_free(rule); }
    void operator()(nftnl_expr* expr) const { nftnl_expr_free(expr); }
    void operator()(nftnl_udata_buf* buf) const { nftnl_udata_buf_free(buf); }
    void operator()(nftnl_expr_iter* iter) const { nftnl_expr_iter_destroy(iter); }
    void operator()(nftnl_gen* gen) const { nftnl_gen_free(gen); }
};
using NftTable = std::unique_ptr<nftnl_table, NftnlFree>;
using NftChain = std::unique_ptr<nftnl_chain, NftnlFree>;
using NftRule = std::unique_ptr<nftnl_rule, NftnlFree>;
using NftExpr = std::unique_ptr<nftnl_expr, NftnlFree>;

/// Allocates an empty libnftnl object; throws std::bad_alloc when libnftnl cannot.
NftTable make_nft_table();
NftChain make_nft_chain();
NftRule make_nft_rule();
NftExpr make_nft_expr(const char* name);

/// Changes to commit together. Builds messages only; no kernel access.
class NftBatch {
public:
    /// A batch that the kernel accepts only while the ruleset generation is `generation`.
    explicit NftBatch(std::uint32_t generation);

    /// Appends a table/chain/rule message of `type` (NFT_MSG_NEWRULE, ...) with `flags` (NLM_F_ACK
    /// is added); `what` names it in error messages, e.g. "delete rule handle 7". The object's
    /// family attribute picks the message family. The batch keeps a copy of the message only.
    void add(std::uint16_t type, std::uint16_t flags, const nftnl_table& table, std::string what);
    void add(std::uint16_t type, std::uint16_t flags, const nftnl_chain& chain, std::string what);
    void add(std::uint16_t type, std::uint16_t flags, nftnl_rule& rule, std::string what);

    /// The generation the batch is bound to; how many changes it holds.
    std::uint32_t generation() const { return generation_; }
    std::size_t size() const { return what_.size(); }
    bool empty() const { return what_.empty(); }

private:
    friend class NftSocket;
    /// Appends the message that `build` writes into a scratch buffer.
    template <typename Build>
    void append(std::string what, Build&& build);

    std::uint32_t generation_;
    std::vector<char> messages_;     // the changes, back to back, sequence numbers unset
    std::vector<std::string> what_;  // one per message
};

class NftSocket {
public:
    /// Opens a NETLINK_NETFILTER socket in the calling thread's current namespace. `where` names
    /// that namespace in error messages ("host", a path). Throws SystemError.
    static NftSocket open(std::string where);

    /// The current ruleset generation (NFT_MSG_GETGEN). Throws SystemError.
    std::uint32_t generation();

    /// The rules of `family` `table` `chain`, in chain order; none when the table or the chain
    /// does not exist. Retries a dump the kernel flags inconsistent. Throws SystemError.
    std::vector<NftRule> list_rules(std::uint16_t family, const std::string& table,
                                    const std::string& chain);

    /// Sends `batch` as one transaction and reads every ack. True when committed; false when the
    /// kernel refused it because the generation moved on (retry from a fresh read); nothing
    /// changed then. Throws SystemError("<action>: <what> in <where>", extack) on any other error,
    /// naming the first message the kernel refused.
    bool commit(const NftBatch& batch, const std::string& action);

private:
    explicit NftSocket(NetlinkSocket socket) : socket_(std::move(socket)) {}

    NetlinkSocket socket_;
};

}  // namespace nsveth
