// rtnetlink over libmnl: a request builder with scoped nested attributes, and a socket that sends
// one request and reads its answer, turning NLMSG_ERROR into a SystemError that carries the
// kernel's extended-ack text. A socket works in the namespace it was opened in, wherever the
// calling thread is later, so one socket per namespace avoids switching back and forth.
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/ip.h"

namespace nsveth {

class NetlinkMessage {
public:
    NetlinkMessage(std::uint16_t type, std::uint16_t flags);

    /// Appends the zeroed family header (ifinfomsg, ifaddrmsg, rtmsg, ...) and returns it.
    template <typename Header>
    Header& header() {
        return *static_cast<Header*>(mnl_nlmsg_put_extra_header(get(), sizeof(Header)));
    }

    void put(std::uint16_t type, const void* data, std::size_t length);
    void put_u8(std::uint16_t type, std::uint8_t value) { put(type, &value, sizeof value); }
    void put_u32(std::uint16_t type, std::uint32_t value) { put(type, &value, sizeof value); }
    void put_string(std::uint16_t type, std::string_view value);  // NUL-terminated
    void put_address(std::uint16_t type, const IpAddress& ip) {
        put(type, ip.bytes(), ip.byte_length());
    }

    /// A nested attribute; attributes put while it lives go inside it.
    class Nest {
    public:
        Nest(NetlinkMessage& message, std::uint16_t type);
        ~Nest() { mnl_attr_nest_end(message_.get(), nest_); }
        Nest(const Nest&) = delete;
        Nest& operator=(const Nest&) = delete;

    private:
        NetlinkMessage& message_;
        nlattr* nest_;
    };
    Nest nest(std::uint16_t type) { return Nest(*this, type); }

    nlmsghdr* get() { return reinterpret_cast<nlmsghdr*>(buffer_.data()); }
    const nlmsghdr* get() const { return reinterpret_cast<const nlmsghdr*>(buffer_.data()); }

private:
    alignas(nlmsghdr) std::array<char, 1024> buffer_{};
};

/// Calls `visit(const nlattr*)` for every attribute after the `header_size`-byte family header.
template <typename Visit>
void for_each_attribute(const nlmsghdr* nlh, std::size_t header_size, Visit&& visit) {
    mnl_attr_parse(
        nlh, static_cast<unsigned>(header_size),
        [](const nlattr* attr, void* data) {
            (*static_cast<std::remove_reference_t<Visit>*>(data))(attr);
            return int{MNL_CB_OK};
        },
        &visit);
}

/// Calls `visit(const nlattr*)` for every attribute nested in `nest`.
template <typename Visit>
void for_each_nested(const nlattr* nest, Visit&& visit) {
    mnl_attr_parse_nested(
        nest,
        [](const nlattr* attr, void* data) {
            (*static_cast<std::remove_reference_t<Visit>*>(data))(attr);
            return int{MNL_CB_OK};
        },
        &visit);
}

/// Requests the kernel handles in order from one sendmsg, answered by one read loop: a single
/// round trip for all the addresses, links and routes of one side of an attachment.
class NetlinkBatch {
public:
    /// Appends a copy of `message`; `action` names it in the error if the kernel refuses it.
    void add(const NetlinkMessage& message, std::string action);
    bool empty() const { return actions_.empty(); }

private:
    friend class NetlinkSocket;
    std::vector<char> wire_;  // the requests back to back, sequence numbers set on commit
    std::vector<std::string> actions_;
};

/// The kernel's extended ack in an NLMSG_ERROR message, or in the NLMSG_DONE that ends a failed
/// dump: its text, or, when it sent none (nf_tables rarely does), which attribute of `request`
/// it refused ("refused attribute type N at byte M"). Empty when there is neither.
std::string extack_of(const nlmsghdr* answer, const nlmsghdr* request);

class NetlinkSocket {
public:
    using Handler = std::function<void(const nlmsghdr*)>;

    /// Opens a `protocol` (NETLINK_ROUTE, NETLINK_NETFILTER) socket in the calling thread's
    /// current namespace, with extended and capped acks. `where` names that namespace in error
    /// messages ("host", or the namespace path). Throws SystemError.
    static NetlinkSocket open(std::string where, int protocol = NETLINK_ROUTE);

    /// Asks the kernel to check requests strictly (NETLINK_GET_STRICT_CHK). Some dump filters,
    /// such as RTM_GETNSID's NETNSA_TARGET_NSID, are honoured only then. Throws SystemError.
    void enable_strict_checking();
    /// The same, false instead of an exception where the kernel lacks it (before 4.20).
    bool try_enable_strict_checking();

    /// Sends `message` and waits for the kernel's answer. With `on_reply` the message is a query
    /// (a GET) answered by one reply, which goes to `on_reply`; without, it is a change sent
    /// with NLM_F_ACK. Returns 0 or the errno the kernel answered with; the kernel's
    /// extended-ack text is kept for the next `fail()`.
    int try_request(NetlinkMessage& message, const Handler& on_reply = {});
    /// try_request that throws SystemError("<action> in <where>", kernel text) on any error.
    void request(NetlinkMessage& message, const std::string& action,
                 const Handler& on_reply = {});
    /// Sends every request of `batch` with NLM_F_ACK in one sendmsg and reads every answer. The
    /// kernel goes on with later requests after a refused one (callers undo a failed batch as a
    /// whole). Throws SystemError("<action> in <where>", kernel text) for the first refusal.
    void commit(NetlinkBatch& batch);
    /// Sends a NLM_F_DUMP request and hands each answer to `on_message`; restarts the dump when
    /// the kernel flags it inconsistent (NLM_F_DUMP_INTR). Throws SystemError.
    void dump(NetlinkMessage& message, const std::string& action, const Handler& on_message);

    /// Sends `request` as it is (sequence number set here) and hands each answer to `on_message`
    /// until the ack, the end of a dump or an error. Returns 0 or the kernel's errno and keeps its
    /// extended ack. Sets `interrupted` when a dump message carried NLM_F_DUMP_INTR.
    int exchange(nlmsghdr* request, const Handler& on_message, bool& interrupted);

    /// Throws SystemError for `error` with the last extended-ack text and this socket's namespace.
    [[noreturn]] void fail(int error, const std::string& action) const;
    /// The same with the kernel's text given explicitly (for batches read by the caller).
    [[noreturn]] void fail(int error, const std::string& action, const std::string& extack) const;

    const std::string& where() const { return where_; }
    /// For callers that send batches and read their acks themselves (nftables).
    int fd() const { return mnl_socket_get_fd(socket_.get()); }
    std::uint32_t port_id() const { return port_id_; }
    /// Reserves `count` consecutive sequence numbers and returns the first.
    std::uint32_t take_sequence_numbers(std::uint32_t count) {
        std::uint32_t first = sequence_ + 1;
        sequence_ += count;
        return first;
    }

private:
    struct Closer {
        void operator()(mnl_socket* socket) const { mnl_socket_close(socket); }
    };
    NetlinkSocket(mnl_socket* socket, std::string where);

    std::unique_ptr<mnl_socket, Closer> socket_;
    std::string where_;
    std::uint32_t port_id_;
    std::uint32_t sequence_ = 0;
    std::string extack_;
    bool strict_ = false;
    // One receive buffer for the socket's life, never cleared: the kernel writes what we read.
    std::unique_ptr<char[]> receive_buffer_;
};

}  // namespace nsveth
