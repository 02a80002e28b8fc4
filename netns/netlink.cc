// NetlinkMessage and NetlinkSocket. The receive loop is our own rather than mnl_cb_run's, because
// libmnl's default error callback drops the extended ack that explains most kernel refusals.
#include "netns/netlink.h"

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <vector>

#include "common/error.h"

namespace nsveth {

NetlinkMessage::NetlinkMessage(std::uint16_t type, std::uint16_t flags) {
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer_.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
}

void NetlinkMessage::put(std::uint16_t type, const void* data, std::size_t length) {
    if (!mnl_attr_put_check(get(), buffer_.size(), type, length, data))
        throw std::length_error("netlink message buffer too small");
}

void NetlinkMessage::put_string(std::uint16_t type, std::string_view value) {
    std::string copy(value);
    put(type, copy.c_str(), copy.size() + 1);
}

NetlinkMessage::Nest::Nest(NetlinkMessage& message, std::uint16_t type)
    : message_(message),
      nest_(mnl_attr_nest_start_check(message.get(), message.buffer_.size(), type)) {
    if (!nest_) throw std::length_error("netlink message buffer too small");
}

// Large enough for any dump batch the kernel sends (it sizes batches by the reader's buffer).
constexpr std::size_t kReceiveBufferSize = 32768;

NetlinkSocket::NetlinkSocket(mnl_socket* socket, std::string where)
    : socket_(socket),
      where_(std::move(where)),
      port_id_(mnl_socket_get_portid(socket)),
      receive_buffer_(new char[kReceiveBufferSize]) {}

NetlinkSocket NetlinkSocket::open(std::string where, int protocol) {
    mnl_socket* raw = mnl_socket_open2(protocol, SOCK_CLOEXEC);
    if (!raw) throw_errno("open netlink socket in " + where);
    std::unique_ptr<mnl_socket, Closer> socket(raw);
    int on = 1;
    // Extended acks carry the kernel's reason; capped acks keep our request out of the reply.
    mnl_socket_setsockopt(raw, NETLINK_EXT_ACK, &on, sizeof on);
    mnl_socket_setsockopt(raw, NETLINK_CAP_ACK, &on, sizeof on);
    if (mnl_socket_bind(raw, 0, MNL_SOCKET_AUTOPID) < 0)
        throw_errno("bind netlink socket in " + where);
    return NetlinkSocket(socket.release(), std::move(where));
}

bool NetlinkSocket::try_enable_strict_checking() {
    if (!strict_) {
        int on = 1;
        strict_ = mnl_socket_setsockopt(socket_.get(), NETLINK_GET_STRICT_CHK, &on, sizeof on) == 0;
    }
    return strict_;
}

void NetlinkSocket::enable_strict_checking() {
    if (!try_enable_strict_checking())
        throw_errno("enable strict checking on the netlink socket in " + where_);
}

namespace {

struct Extack {
    std::string text;
    std::optional<std::uint32_t> offset;  // of the attribute the kernel refused, in our request
};

Extack parse_extack(const nlmsghdr* nlh, unsigned offset) {
    Extack extack;
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return extack;
    for_each_attribute(nlh, offset, [&extack](const nlattr* attr) {
        if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
            mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
            extack.text = mnl_attr_get_str(attr);
        if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS &&
            mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
            extack.offset = mnl_attr_get_u32(attr);
    });
    return extack;
}

}  // namespace

std::string extack_of(const nlmsghdr* answer, const nlmsghdr* request) {
    Extack extack;
    if (answer->nlmsg_type == NLMSG_DONE) {
        extack = parse_extack(answer, sizeof(int));
    } else {
        const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(answer));
        unsigned offset = sizeof(nlmsgerr);
        if (!(answer->nlmsg_flags & NLM_F_CAPPED))
            offset += error->msg.nlmsg_len - sizeof(nlmsghdr);
        extack = parse_extack(answer, offset);
    }
    if (!extack.text.empty() || !extack.offset || !request) return extack.text;
    if (*extack.offset + sizeof(nlattr) > request->nlmsg_len) return {};
    const auto* attr =
        reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(request) + *extack.offset);
    return "refused attribute type " + std::to_string(attr->nla_type & NLA_TYPE_MASK) +
           " at byte " + std::to_string(*extack.offset);
}

int NetlinkSocket::exchange(nlmsghdr* request, const Handler& on_message, bool& interrupted) {
    request->nlmsg_seq = ++sequence_;
    extack_.clear();
    if (mnl_socket_sendto(socket_.get(), request, request->nlmsg_len) < 0) return errno;

    const bool is_dump = (request->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
    char* buffer = receive_buffer_.get();
    for (;;) {
        ssize_t length = mnl_socket_recvfrom(socket_.get(), buffer, kReceiveBufferSize);
        if (length < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        int remaining = static_cast<int>(length);
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer);
             mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
            if (nlh->nlmsg_seq != request->nlmsg_seq || nlh->nlmsg_pid != port_id_) continue;
            if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
            if (nlh->nlmsg_type == NLMSG_ERROR) {
                const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
                if (error->error) extack_ = extack_of(nlh, request);
                return -error->error;  // 0 is the ack
            }
            if (nlh->nlmsg_type == NLMSG_DONE) {
                // A dump may end with an error code in the DONE payload.
                const int* status = static_cast<const int*>(mnl_nlmsg_get_payload(nlh));
                if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) && *status < 0) {
                    extack_ = extack_of(nlh, request);
                    return -*status;
                }
                return 0;
            }
            if (on_message) on_message(nlh);
            if (!is_dump && !(nlh->nlmsg_flags & NLM_F_MULTI) &&
                !(request->nlmsg_flags & NLM_F_ACK))
                return 0;
        }
    }
}

void NetlinkBatch::add(const NetlinkMessage& message, std::string action) {
    const char* bytes = reinterpret_cast<const char*>(message.get());
    wire_.insert(wire_.end(), bytes, bytes + NLMSG_ALIGN(message.get()->nlmsg_len));
    actions_.push_back(std::move(action));
}

void NetlinkSocket::commit(NetlinkBatch& batch) {
    if (batch.empty()) return;
    const auto count = static_cast<std::uint32_t>(batch.actions_.size());
    const std::uint32_t first = take_sequence_numbers(count);
    std::vector<const nlmsghdr*> requests;
    int left = static_cast<int>(batch.wire_.size());
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(batch.wire_.data()); mnl_nlmsg_ok(nlh, left);
         nlh = const_cast<nlmsghdr*>(mnl_nlmsg_next(nlh, &left))) {
        nlh->nlmsg_seq = first + static_cast<std::uint32_t>(requests.size());
        nlh->nlmsg_flags |= NLM_F_ACK;
        requests.push_back(nlh);
    }
    if (mnl_socket_sendto(socket_.get(), batch.wire_.data(), batch.wire_.size()) < 0)
        fail(errno, batch.actions_.front());

    std::uint32_t answered = 0;
    int error = 0;
    std::uint32_t refused = 0;  // index of the first refused request
    std::string refusal;
    while (answered < count) {
        ssize_t length =
            mnl_socket_recvfrom(socket_.get(), receive_buffer_.get(), kReceiveBufferSize);
        if (length < 0) {
            if (errno == EINTR) continue;
            fail(errno, batch.actions_.front());
        }
        int remaining = static_cast<int>(length);
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(receive_buffer_.get());
             mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
            const std::uint32_t index = nlh->nlmsg_seq - first;
            if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != port_id_ || index >= count)
                continue;
            ++answered;
            const int code = -static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh))->error;
            if (code && (!error || index < refused)) {
                error = code;
                refused = index;
                refusal = extack_of(nlh, requests[index]);
            }
        }
    }
    if (error) fail(error, batch.actions_[refused], refusal);
}

int NetlinkSocket::try_request(NetlinkMessage& message, const Handler& on_reply) {
    // A query's reply (or its error) ends the exchange: an ack would only cost another read.
    if (!on_reply) message.get()->nlmsg_flags |= NLM_F_ACK;
    bool interrupted = false;
    return exchange(message.get(), on_reply, interrupted);
}

void NetlinkSocket::request(NetlinkMessage& message, const std::string& action,
                            const Handler& on_reply) {
    if (int error = try_request(message, on_reply)) fail(error, action);
}

void NetlinkSocket::dump(NetlinkMessage& message, const std::string& action,
                         const Handler& on_message) {
    message.get()->nlmsg_flags |= NLM_F_DUMP;
    constexpr int kAttempts = 10;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        std::vector<std::vector<char>> copies;  // delivered only once the dump is consistent
        bool interrupted = false;
        int error = exchange(
            message.get(),
            [&copies](const nlmsghdr* nlh) {
                const char* bytes = reinterpret_cast<const char*>(nlh);
                copies.emplace_back(bytes, bytes + nlh->nlmsg_len);
            },
            interrupted);
        if (error) fail(error, action);
        if (interrupted) continue;
        for (const auto& copy : copies) on_message(reinterpret_cast<const nlmsghdr*>(copy.data()));
        return;
    }
    fail(EAGAIN, action + " (dump kept changing)");
}

void NetlinkSocket::fail(int error, const std::string& action) const {
    fail(error, action, extack_);
}

void NetlinkSocket::fail(int error, const std::string& action, const std::string& extack) const {
    throw SystemError(error, action + " in " + where_, extack);
}

}  // namespace nsveth
