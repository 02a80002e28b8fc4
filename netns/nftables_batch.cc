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

/// What the kernel's extended ack says: its text, and where in our message the attribute it
/// refused starts (nf_tables mostly marks the attribute and sends no text).
struct Extack {
    std::string text;
    std::optional<std::uint32_t> bad_attribute_offset;
};

/// The extended ack among the attributes at `offset` of an error message or of a dump's DONE.
Extack parse_extack(const nlmsghdr* nlh, unsigned offset) {
    Extack extack;
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return extack;
    mnl_attr_parse(
        nlh, offset,
        [](const nlattr* attr, void* data) {
            auto& out = *static_cast<Extack*>(data);
            if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
                mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
                out.text = mnl_attr_get_str(attr);
            if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS &&
                mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                out.bad_attribute_offset = mnl_attr_get_u32(attr);
            return MNL_CB_OK;
        },
        &extack);
    return extack;
}

Extack error_extack(const nlmsghdr* nlh) {
    const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
    unsigned offset = sizeof(nlmsgerr);
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) offset += error->msg.nlmsg_len - sizeof(nlmsghdr);
    return parse_extack(nlh, offset);
}

/// The extack text, or else names the attribute of `request` that the kernel marked.
std::string describe(const Extack& extack, const nlmsghdr* request) {
    if (!extack.text.empty() || !extack.bad_attribute_offset || !request) return extack.text;
    const std::uint32_t offset = *extack.bad_attribute_offset;
    if (offset + sizeof(nlattr) > request->nlmsg_len) return {};
    const auto* attr =
        reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(request) + offset);
    return "refused attribute type " + std::to_string(attr->nla_type & NLA_TYPE_MASK) +
           " at byte " + std::to_string(offset);
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

NftSocket::NftSocket(mnl_socket* socket, std::string where)
    : socket_(socket), where_(std::move(where)), port_id_(mnl_socket_get_portid(socket)) {}

NftSocket NftSocket::open(std::string where) {
    mnl_socket* raw = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
    if (!raw) throw_errno("open nftables netlink socket in " + where);
    std::unique_ptr<mnl_socket, Closer> socket(raw);
    int on = 1;
    mnl_socket_setsockopt(raw, NETLINK_EXT_ACK, &on, sizeof on);
    mnl_socket_setsockopt(raw, NETLINK_CAP_ACK, &on, sizeof on);
    if (mnl_socket_bind(raw, 0, MNL_SOCKET_AUTOPID) < 0)
        throw_errno("bind nftables netlink socket in " + where);
    return NftSocket(socket.release(), std::move(where));
}

template <typename OnMessage>
int NftSocket::exchange(nlmsghdr* request, OnMessage&& on_message, bool& interrupted) {
    request->nlmsg_seq = ++sequence_;
    extack_.clear();
    if (mnl_socket_sendto(socket_.get(), request, request->nlmsg_len) < 0) return errno;
    std::vector<char> buffer(kReceiveBufferSize);
    for (;;) {
        ssize_t length = mnl_socket_recvfrom(socket_.get(), buffer.data(), buffer.size());
        if (length < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        int remaining = static_cast<int>(length);
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer.data());
             mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
            if (nlh->nlmsg_seq != request->nlmsg_seq || nlh->nlmsg_pid != port_id_) continue;
            if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
            if (nlh->nlmsg_type == NLMSG_ERROR) {
                extack_ = describe(error_extack(nlh), request);
                return -static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh))->error;
            }
            if (nlh->nlmsg_type == NLMSG_DONE) {
                const int* status = static_cast<const int*>(mnl_nlmsg_get_payload(nlh));
                if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) && *status < 0) {
                    extack_ = parse_extack(nlh, sizeof(int)).text;
                    return -*status;
                }
                return 0;
            }
            on_message(nlh);
        }
    }
}

std::uint32_t NftSocket::generation() {
    std::vector<char> buffer(kScratchSize);
    nlmsghdr* request =
        nftnl_nlmsg_build_hdr(buffer.data(), NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, 0);
    std::optional<std::uint32_t> generation;
    bool interrupted = false;
    int error = exchange(
        request,
        [&generation](const nlmsghdr* nlh) {
            std::unique_ptr<nftnl_gen, NftnlFree> gen(checked(nftnl_gen_alloc()));
            if (nftnl_gen_nlmsg_parse(nlh, gen.get()) >= 0 &&
                nftnl_gen_is_set(gen.get(), NFTNL_GEN_ID))
                generation = nftnl_gen_get_u32(gen.get(), NFTNL_GEN_ID);
        },
        interrupted);
    if (error) fail(error, "read the nftables generation");
    if (!generation) fail(EPROTO, "read the nftables generation (no NFTA_GEN_ID in the answer)");
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
        int error = exchange(
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
        if (error) fail(error, action);
        if (parse_error) fail(parse_error, action + " (unparsable rule)");
        if (!interrupted) return rules;
    }
    fail(EAGAIN, action + " (dump kept changing)");
}

bool NftSocket::commit(const NftBatch& batch, const std::string& action) {
    const std::uint32_t begin_seq = ++sequence_;
    sequence_ += static_cast<std::uint32_t>(batch.size());
    const std::uint32_t end_seq = ++sequence_;

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

    extack_.clear();
    if (mnl_socket_sendto(socket_.get(), wire.data(), wire.size()) < 0) fail(errno, action);

    std::vector<bool> acked(batch.size(), false);
    std::size_t ack_count = 0;
    std::optional<std::uint32_t> error_seq;  // the earliest message the kernel refused
    int error = 0;
    Extack error_extack_of_first;
    std::vector<char> buffer(kReceiveBufferSize);
    for (;;) {
        const bool settled = error_seq || ack_count == batch.size();
        pollfd ready{mnl_socket_get_fd(socket_.get()), POLLIN, 0};
        int polled = ::poll(&ready, 1, settled ? 0 : kAckTimeoutMs);
        if (polled < 0 && errno == EINTR) continue;
        if (polled < 0) fail(errno, action + " (waiting for acks)");
        if (polled == 0) break;
        ssize_t length =
            ::recv(mnl_socket_get_fd(socket_.get()), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (length < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (length < 0) fail(errno, action + " (reading acks)");
        int left = static_cast<int>(length);
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer.data()); mnl_nlmsg_ok(nlh, left);
             nlh = mnl_nlmsg_next(nlh, &left)) {
            if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != port_id_ ||
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
                error_extack_of_first = error_extack(nlh);
            }
        }
    }
    if (error_seq) {
        if (*error_seq == begin_seq && error == ERESTART) return false;  // generation moved on
        const nlmsghdr* refused = nullptr;
        int left = static_cast<int>(wire.size());
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(wire.data()); mnl_nlmsg_ok(nlh, left);
             nlh = mnl_nlmsg_next(nlh, &left))
            if (nlh->nlmsg_seq == *error_seq) refused = nlh;
        extack_ = describe(error_extack_of_first, refused);
        const std::uint32_t index = *error_seq - begin_seq - 1;
        fail(error, index < batch.size() ? action + ": " + batch.what_[index] : action);
    }
    if (ack_count != batch.size())
        fail(EIO, action + " (the kernel acknowledged " + std::to_string(ack_count) + " of " +
                      std::to_string(batch.size()) + " changes)");
    return true;
}

void NftSocket::fail(int error, const std::string& action) const {
    throw SystemError(error, action + " in " + where_, extack_);
}

}  // namespace nsveth
