// NftBatch and NftSocket. Acks of a batch: the kernel processes the whole batch inside our
// sendmsg and queues every ack (and every error, one per refused message) before it returns, so
// after sending we read until each change is acked or an error arrived, then drain what is left
// without waiting. A poll timeout guards against a kernel that stays silent (a malformed batch).
#include "netns/nftables_batch.h"

#include <arpa/inet.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <new>
#include <optional>

#include "common/error.h"

namespace nsveth {

namespace {

// Large enough for any single message we build (a rule with its comment is well under 1 KiB).
constexpr std::size_t kScratchSize = 16384;
// Dump batches are sized by the reader's buffer; every read uses this one size.
constexpr std::size_t kReceiveBufferSize = 32768;
constexpr int kAckTimeoutMs = 5000;
constexpr int kDumpAttempts = 10;

template <typename T>
T checked(T object) {
    if (!object) throw std::bad_alloc();
    return object;
}

std::uint16_t family_of(std::uint32_t family) { return static_cast<std::uint16_t>(family); }

}  // namespace

NftTable make_nft_table() { return NftTable(checked(nftnl_table_alloc())); }
NftChain make_nft_chain() { return NftChain(checked(nftnl_chain_alloc())); }
NftRule make_nft_rule() { return NftRule(checked(nftnl_rule_alloc())); }
NftExpr make_nft_expr(const char* name) { return NftExpr(checked(nftnl_expr_alloc(name))); }

NftBatch::NftBatch(std::uint32_t generation) : generation_(generation) {}

template <typename Build>
void NftBatch::append(std::string what, Build&& build) {
    std::vector<char> scratch(kScratchSize);
    const nlmsghdr* nlh = build(scratch.data());
    const char* bytes = reinterpret_cast<const char*>(nlh);
    messages_.insert(messages_.end(), bytes, bytes + NLMSG_ALIGN(nlh->nlmsg_len));
    what_.push_back(std::move(what));
}

void NftBatch::add(std::uint16_t type, std::uint16_t flags, const nftnl_table& table,
                   std::string what) {
    append(std::move(what), [&](char* buffer) {
        nlmsghdr* nlh = nftnl_nlmsg_build_hdr(
            buffer, type, family_of(nftnl_table_get_u32(&table, NFTNL_TABLE_FAMILY)),
            flags | NLM_F_ACK, 0);
        nftnl_table_nlmsg_build_payload(nlh, &table);
        return nlh;
    });
}

void NftBatch::add(std::uint16_t type, std::uint16_t flags, const nftnl_chain& chain,
                   std::string what) {
    append(std::move(what), [&](char* buffer) {
        nlmsghdr* nlh = nftnl_nlmsg_build_hdr(
            buffer, type, family_of(nftnl_chain_get_u32(&chain, NFTNL_CHAIN_FAMILY)),
            flags | NLM_F_ACK, 0);
        nftnl_chain_nlmsg_build_payload(nlh, &chain);
        return nlh;
    });
}

void NftBatch::add(std::uint16_t type, std::uint16_t flags, nftnl_rule& rule, std::string what) {
    append(std::move(what), [&](char* buffer) {
        nlmsghdr* nlh = nftnl_nlmsg_build_hdr(
            buffer, type, family_of(nftnl_rule_get_u32(&rule, NFTNL_RULE_FAMILY)),
            flags | NLM_F_ACK, 0);
        nftnl_rule_nlmsg_build_payload(nlh, &rule);
        return nlh;
    });
}

NftSocket NftSocket::open(std::string where) {
    return NftSocket(NetlinkSocket::open(std::move(where), NETLINK_NETFILTER));
}

std::uint32_t NftSocket::generation() {
    std::vector<char> buffer(kScratchSize);
    nlmsghdr* request =
        nftnl_nlmsg_build_hdr(buffer.data(), NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, 0);
    std::optional<std::uint32_t> generation;
    bool interrupted = false;
    int error = socket_.exchange(
        request,
        [&generation](const nlmsghdr* nlh) {
            std::unique_ptr<nftnl_gen, NftnlFree> gen(checked(nftnl_gen_alloc()));
            if (nftnl_gen_nlmsg_parse(nlh, gen.get()) >= 0 &&
                nftnl_gen_is_set(gen.get(), NFTNL_GEN_ID))
                generation = nftnl_gen_get_u32(gen.get(), NFTNL_GEN_ID);
        },
        interrupted);
    if (error) socket_.fail(error, "read the nftables generation");
    if (!generation)
        socket_.fail(EPROTO, "read the nftables generation (no NFTA_GEN_ID in the answer)");
    return *generation;
}

std::vector<NftRule> NftSocket::list_rules(std::uint16_t family, const std::string& table,
                                           const std::string& chain) {
    const std::string action = "list rules of chain " + chain + " in table " + table;
    NftRule filter = make_nft_rule();
    nftnl_rule_set_str(filter.get(), NFTNL_RULE_TABLE, table.c_str());
    nftnl_rule_set_str(filter.get(), NFTNL_RULE_CHAIN, chain.c_str());
    std::vector<char> buffer(kScratchSize);
    for (int attempt = 0; attempt < kDumpAttempts; ++attempt) {
        nlmsghdr* request =
            nftnl_nlmsg_build_hdr(buffer.data(), NFT_MSG_GETRULE, family, NLM_F_DUMP, 0);
        nftnl_rule_nlmsg_build_payload(request, filter.get());
        std::vector<NftRule> rules;
        int parse_error = 0;
        bool interrupted = false;
        int error = socket_.exchange(
            request,
            [&](const nlmsghdr* nlh) {
                NftRule rule = make_nft_rule();
                if (nftnl_rule_nlmsg_parse(nlh, rule.get()) < 0) {
                    parse_error = errno ? errno : EPROTO;
                    return;
                }
                rules.push_back(std::move(rule));
            },
            interrupted);
        if (error == ENOENT) return {};  // no such table or chain: it has no rules
        if (error) socket_.fail(error, action);
        if (parse_error) socket_.fail(parse_error, action + " (unparsable rule)");
        if (!interrupted) return rules;
    }
    socket_.fail(EAGAIN, action + " (dump kept changing)");
}

bool NftSocket::commit(const NftBatch& batch, const std::string& action) {
    const std::uint32_t begin_seq =
        socket_.take_sequence_numbers(static_cast<std::uint32_t>(batch.size()) + 2);
    const std::uint32_t end_seq = begin_seq + static_cast<std::uint32_t>(batch.size()) + 1;

    std::vector<char> wire(kScratchSize);
    nlmsghdr* begin = nftnl_batch_begin(wire.data(), begin_seq);
    mnl_attr_put_u32(begin, NFNL_BATCH_GENID, htonl(batch.generation()));
    wire.resize(NLMSG_ALIGN(begin->nlmsg_len));
    const std::size_t first_change = wire.size();
    wire.insert(wire.end(), batch.messages_.begin(), batch.messages_.end());
    std::uint32_t seq = begin_seq;
    int remaining = static_cast<int>(batch.messages_.size());
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(wire.data() + first_change);
         mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining))
        nlh->nlmsg_seq = ++seq;
    std::vector<char> end(kScratchSize);
    const nlmsghdr* end_nlh = nftnl_batch_end(end.data(), end_seq);
    const char* end_bytes = reinterpret_cast<const char*>(end_nlh);
    wire.insert(wire.end(), end_bytes, end_bytes + NLMSG_ALIGN(end_nlh->nlmsg_len));

    if (::send(socket_.fd(), wire.data(), wire.size(), 0) < 0) socket_.fail(errno, action);

    std::vector<bool> acked(batch.size(), false);
    std::size_t ack_count = 0;
    std::optional<std::uint32_t> error_seq;  // the earliest message the kernel refused
    int error = 0;
    std::string refusal;  // the kernel's extended ack for the earliest refused message
    std::vector<char> buffer(kReceiveBufferSize);
    for (;;) {
        const bool settled = error_seq || ack_count == batch.size();
        pollfd ready{socket_.fd(), POLLIN, 0};
        int polled = ::poll(&ready, 1, settled ? 0 : kAckTimeoutMs);
        if (polled < 0 && errno == EINTR) continue;
        if (polled < 0) socket_.fail(errno, action + " (waiting for acks)");
        if (polled == 0) break;
        ssize_t length = ::recv(socket_.fd(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (length < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (length < 0) socket_.fail(errno, action + " (reading acks)");
        int left = static_cast<int>(length);
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer.data()); mnl_nlmsg_ok(nlh, left);
             nlh = mnl_nlmsg_next(nlh, &left)) {
            if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != socket_.port_id() ||
                nlh->nlmsg_seq < begin_seq || nlh->nlmsg_seq > end_seq)
                continue;
            const int code = -static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh))->error;
            const std::uint32_t index = nlh->nlmsg_seq - begin_seq - 1;  // begin/end: out of range
            if (code == 0) {
                if (index < acked.size() && !acked[index]) {
                    acked[index] = true;
                    ++ack_count;
                }
            } else if (!error_seq || nlh->nlmsg_seq < *error_seq) {
                error_seq = nlh->nlmsg_seq;
                error = code;
                const nlmsghdr* refused = nullptr;
                int wire_left = static_cast<int>(wire.size());
                for (auto* sent = reinterpret_cast<const nlmsghdr*>(wire.data());
                     mnl_nlmsg_ok(sent, wire_left); sent = mnl_nlmsg_next(sent, &wire_left))
                    if (sent->nlmsg_seq == nlh->nlmsg_seq) refused = sent;
                refusal = extack_of(nlh, refused);
            }
        }
    }
    if (error_seq) {
        if (*error_seq == begin_seq && error == ERESTART) return false;  // generation moved on
        const std::uint32_t index = *error_seq - begin_seq - 1;
        socket_.fail(error, index < batch.size() ? action + ": " + batch.what_[index] : action,
                     refusal);
    }
    if (ack_count != batch.size())
        socket_.fail(EIO, action + " (the kernel acknowledged " + std::to_string(ack_count) +
                              " of " + std::to_string(batch.size()) + " changes)");
    return true;
}

}  // namespace nsveth
