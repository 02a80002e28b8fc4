// Masquerade owner tags: hashes of length-prefixed fields, plus a readable tail.
#include "netns/masquerade_tag.h"

#include "common/sha256.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace nsveth {

namespace {


/// Appends `field` with an 8-byte big-endian length in front, so field boundaries are unambiguous.
void put_field(std::string& out, std::string_view field) {
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((std::uint64_t{field.size()} >> shift) & 0xff));
    out.append(field);
}

std::string hash_of_fields(std::initializer_list<std::string_view> fields, std::size_t digits) {
    std::string encoded;
    for (auto field : fields) put_field(encoded, field);
    return sha256_hex(encoded).substr(0, digits);
}

constexpr std::string_view kPrefix = "nsveth/";
constexpr std::size_t kNetworkDigits = 16;  // 64 bits: networks are few and named by the admin
constexpr std::size_t kOwnerDigits = 32;    // 128 bits: no birthday search over container ids

/// Printable ASCII except the quote and backslash, which nft would have to escape.
std::string readable(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') c = '?';
    return out;
}

bool is_hex(std::string_view text) {
    return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace


std::string masquerade_network_tag(const std::string& network) {
    return std::string(kPrefix) + hash_of_fields({"network", network}, kNetworkDigits) + "/";
}

std::string masquerade_owner_tag(const MasqueradeOwner& owner) {
    return masquerade_network_tag(owner.network) +
           hash_of_fields({"owner", owner.network, owner.container_id, owner.ifname}, kOwnerDigits);
}

std::string masquerade_comment(const MasqueradeOwner& owner) {
    std::string comment = masquerade_owner_tag(owner) + " net=" + readable(owner.network) +
                          " if=" + readable(owner.ifname) + " id=" + readable(owner.container_id);
    if (comment.size() > kMaxMasqueradeCommentLength) comment.resize(kMaxMasqueradeCommentLength);
    return comment;
}

std::string masquerade_owner_tag_of(std::string_view comment) {
    const std::size_t length = kPrefix.size() + kNetworkDigits + 1 + kOwnerDigits;
    if (comment.size() < length || !comment.starts_with(kPrefix)) return {};
    std::string_view tag = comment.substr(0, length);
    std::string_view network = tag.substr(kPrefix.size(), kNetworkDigits);
    std::string_view owner = tag.substr(kPrefix.size() + kNetworkDigits + 1);
    if (!is_hex(network) || tag[kPrefix.size() + kNetworkDigits] != '/' || !is_hex(owner))
        return {};
    if (comment.size() > length && comment[length] != ' ') return {};
    return std::string(tag);
}

}  // namespace nsveth
