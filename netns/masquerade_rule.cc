// Building the masquerade table, chain and rules with libnftnl, and reading dumped rules back.
#include "netns/masquerade_rule.h"

#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include "common/error.h"

namespace nsveth {

namespace {

constexpr std::int32_t kSrcNatPriority = 100;  // NF_IP_PRI_NAT_SRC, "srcnat" in nft

struct AddressLayout {
    std::uint8_t nfproto;
    std::uint32_t source_offset;  // in the network header
    std::uint32_t destination_offset;
    const char* multicast;
};

AddressLayout layout_of(const IpAddress& address) {
    if (address.is_v4()) return {NFPROTO_IPV4, 12, 16, "224.0.0.0/4"};
    return {NFPROTO_IPV6, 8, 24, "ff00::/8"};
}

void add_expr(nftnl_rule& rule, NftExpr expr) { nftnl_rule_add_expr(&rule, expr.release()); }

void add_payload_load(nftnl_rule& rule, std::uint32_t offset, std::uint32_t length) {
    NftExpr expr = make_nft_expr("payload");
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_PAYLOAD_OFFSET, offset);
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_PAYLOAD_LEN, length);
    add_expr(rule, std::move(expr));
}

void add_compare(nftnl_rule& rule, nft_cmp_ops op, const void* data, std::uint32_t length) {
    NftExpr expr = make_nft_expr("cmp");
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_CMP_SREG, NFT_REG_1);
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_CMP_OP, op);
    nftnl_expr_set(expr.get(), NFTNL_EXPR_CMP_DATA, data, length);
    add_expr(rule, std::move(expr));
}

void add_mask(nftnl_rule& rule, const std::uint8_t* mask, std::uint32_t length) {
    static constexpr std::array<std::uint8_t, 16> kZero{};
    NftExpr expr = make_nft_expr("bitwise");
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
    nftnl_expr_set_u32(expr.get(), NFTNL_EXPR_BITWISE_LEN, length);
    nftnl_expr_set(expr.get(), NFTNL_EXPR_BITWISE_MASK, mask, length);
    nftnl_expr_set(expr.get(), NFTNL_EXPR_BITWISE_XOR, kZero.data(), length);
    add_expr(rule, std::move(expr));
}

/// `<daddr> != prefix`: the prefix's whole bytes compared directly, as nft does; a prefix ending
/// inside a byte loads the whole address and masks it first.
void add_destination_outside(nftnl_rule& rule, std::uint32_t offset, const IpPrefix& prefix) {
    const IpAddress first = prefix.first();
    if (prefix.length() % 8 == 0) {
        const auto length = static_cast<std::uint32_t>(prefix.length() / 8);
        add_payload_load(rule, offset, length);
        add_compare(rule, NFT_CMP_NEQ, first.bytes(), length);
        return;
    }
    const auto length = static_cast<std::uint32_t>(first.byte_length());
    static constexpr std::array<std::uint8_t, 16> kOnes = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                           0xff, 0xff, 0xff, 0xff};
    const IpAddress mask =
        IpAddress::from_bytes(first.family(), kOnes.data()).masked(prefix.length());
    add_payload_load(rule, offset, length);
    add_mask(rule, mask.bytes(), length);
    add_compare(rule, NFT_CMP_NEQ, first.bytes(), length);
}

}  // namespace

NftTable masquerade_table() {
    NftTable table = make_nft_table();
    nftnl_table_set_u32(table.get(), NFTNL_TABLE_FAMILY, kMasqueradeFamily);
    nftnl_table_set_str(table.get(), NFTNL_TABLE_NAME, kMasqueradeTable);
    return table;
}

NftChain masquerade_chain() {
    NftChain chain = make_nft_chain();
    nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_FAMILY, kMasqueradeFamily);
    nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, kMasqueradeTable);
    nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, kMasqueradeChain);
    nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TYPE, "nat");
    nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_HOOKNUM, NF_INET_POST_ROUTING);
    nftnl_chain_set_s32(chain.get(), NFTNL_CHAIN_PRIO, kSrcNatPriority);
    return chain;
}

NftRule masquerade_rule_handle(std::uint64_t handle) {
    NftRule rule = make_nft_rule();
    nftnl_rule_set_u32(rule.get(), NFTNL_RULE_FAMILY, kMasqueradeFamily);
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_TABLE, kMasqueradeTable);
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, kMasqueradeChain);
    nftnl_rule_set_u64(rule.get(), NFTNL_RULE_HANDLE, handle);
    return rule;
}

NftRule masquerade_rule(const IpPrefix& address, const std::string& comment) {
    if (address.length() == 0)
        throw SystemError(EINVAL, "masquerade " + address.to_string() +
                                      ": a /0 subnet leaves no destination outside it");
    const AddressLayout layout = layout_of(address.address());
    NftRule rule = make_nft_rule();
    nftnl_rule_set_u32(rule.get(), NFTNL_RULE_FAMILY, kMasqueradeFamily);
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_TABLE, kMasqueradeTable);
    nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, kMasqueradeChain);

    NftExpr meta = make_nft_expr("meta");
    nftnl_expr_set_u32(meta.get(), NFTNL_EXPR_META_KEY, NFT_META_NFPROTO);
    nftnl_expr_set_u32(meta.get(), NFTNL_EXPR_META_DREG, NFT_REG_1);
    add_expr(*rule, std::move(meta));
    add_compare(*rule, NFT_CMP_EQ, &layout.nfproto, sizeof layout.nfproto);

    const IpAddress& source = address.address();
    const auto address_length = static_cast<std::uint32_t>(source.byte_length());
    add_payload_load(*rule, layout.source_offset, address_length);
    add_compare(*rule, NFT_CMP_EQ, source.bytes(), address_length);
    add_destination_outside(*rule, layout.destination_offset, address.network());
    add_destination_outside(*rule, layout.destination_offset, *IpPrefix::parse(layout.multicast));
    add_expr(*rule, make_nft_expr("masq"));

    std::unique_ptr<nftnl_udata_buf, NftnlFree> userdata(
        nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN));
    if (!userdata) throw std::bad_alloc();
    if (!nftnl_udata_put_strz(userdata.get(), NFTNL_UDATA_RULE_COMMENT, comment.c_str()))
        throw SystemError(EMSGSIZE, "masquerade " + address.to_string() + ": comment too long");
    nftnl_rule_set_data(rule.get(), NFTNL_RULE_USERDATA, nftnl_udata_buf_data(userdata.get()),
                        nftnl_udata_buf_len(userdata.get()));
    return rule;
}

std::string rule_fingerprint(const nftnl_rule& rule) {
    std::unique_ptr<nftnl_expr_iter, NftnlFree> iter(nftnl_expr_iter_create(&rule));
    if (!iter) throw std::bad_alloc();
    std::string text;
    std::array<char, 1024> buffer{};
    while (const nftnl_expr* expr = nftnl_expr_iter_next(iter.get())) {
        int length =
            nftnl_expr_snprintf(buffer.data(), buffer.size(), expr, NFTNL_OUTPUT_DEFAULT, 0);
        text += "[ ";
        text += nftnl_expr_get_str(expr, NFTNL_EXPR_NAME);
        text += ' ';
        if (length > 0)
            text.append(buffer.data(), std::min<std::size_t>(length, buffer.size() - 1));
        text += " ]";
    }
    return text;
}

std::string rule_comment(const nftnl_rule& rule) {
    if (!nftnl_rule_is_set(&rule, NFTNL_RULE_USERDATA)) return {};
    std::uint32_t length = 0;
    const void* data = nftnl_rule_get_data(&rule, NFTNL_RULE_USERDATA, &length);
    std::string comment;
    nftnl_udata_parse(
        data, length,
        [](const nftnl_udata* attr, void* out) {
            const std::uint8_t size = nftnl_udata_len(attr);
            const char* value = static_cast<const char*>(nftnl_udata_get(attr));
            if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && size > 0 &&
                value[size - 1] == '\0')
                *static_cast<std::string*>(out) = value;
            return 0;
        },
        &comment);
    return comment;
}

}  // namespace nsveth
