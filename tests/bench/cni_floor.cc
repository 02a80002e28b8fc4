// cni_floor: the kernel floor of nsveth's ADD and DEL — one small process that makes exactly the
// kernel changes nsveth makes for the same network, with libmnl and nothing else: no
// configuration to parse, no IPAM, no existence checks, no read-back, no result. cni_bench runs
// it once per ADD and once per DEL, as a runtime runs a plugin, and divides nsveth's times by its
// times.
//
//   cni_floor add NETNS IFNAME HOSTVETH ADDRESS/PREFIX GATEWAY [ADDRESS/PREFIX GATEWAY]
//   cni_floor check NETNS IFNAME HOSTVETH FAMILY...   (FAMILY: 4 or 6)
//   cni_floor del HOSTVETH
//
// add, run in the "host" namespace, in nsveth's order (plugin/cmd_add.cc):
//   1. the veth HOSTVETH, its peer created straight in NETNS as IFNAME;
//   2. with an IPv6 address, in NETNS: accept_dad=0 and keep_addr_on_down=1 on IFNAME;
//   3. in NETNS: lo up; the addresses (IFA_F_NODAD | IFA_F_NOPREFIXROUTE) on IFNAME; IFNAME up;
//      per address: the gateway as a link-scoped host route, the subnet via the gateway, the
//      default route via the gateway — each with the address as preferred source where nsveth
//      sets one;
//   4. in the host: with IPv6, accept_ra=0 on HOSTVETH; each gateway as a host prefix
//      (IFA_F_NODAD) on HOSTVETH; HOSTVETH up; a link-scoped host route to each pod address;
//      forwarding on for each family in use (read over netlink first, written only when off, as
//      nsveth does).
// What nsveth does beyond that are reads (existence checks, lookups, the IPv6 settings of lo and
// IFNAME that come with their links) and its IPAM. check reads what nsveth's CHECK reads from the
// kernel, in the same order: in NETNS the link IFNAME, its addresses and its routes in the main
// table (one dump: of the FAMILY given, or of both at once when both are); then the same for
// HOSTVETH in the host. Nothing is compared: the floor of a CHECK is getting the answers. del
// deletes HOSTVETH, which takes the pair and every route over it; nsveth's DEL does that plus its
// IPAM release.
// Exit status 0 on success; on failure 1 and one line on stderr. It uses libc and libmnl only, no
// C++ library (its link drops libstdc++), so that its start-up is that of a minimal process.
#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

[[noreturn]] void die(const char* what, const char* object = "") {
    std::fprintf(stderr, "cni_floor: %s%s: %s\n", what, object, std::strerror(errno));
    std::exit(1);
}

struct Address {
    int family = AF_INET;
    unsigned char bytes[16] = {};
    int prefix = 0;
    std::size_t size() const { return family == AF_INET ? 4 : 16; }
};

Address parse_address(const char* text, int default_prefix) {
    Address address;
    char host[64];
    std::snprintf(host, sizeof host, "%s", text);
    char* slash = std::strchr(host, '/');
    if (slash) *slash = '\0';
    address.family = std::strchr(host, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(address.family, host, address.bytes) != 1) {
        errno = EINVAL;
        die("parse address ", text);
    }
    address.prefix = slash ? std::atoi(slash + 1) : default_prefix;
    return address;
}

/// The network of `address` (host bits cleared).
Address network_of(const Address& address) {
    Address network = address;
    for (std::size_t i = 0; i < network.size(); ++i) {
        int bits = address.prefix - static_cast<int>(i) * 8;
        bits = bits < 0 ? 0 : bits > 8 ? 8 : bits;
        network.bytes[i] &= static_cast<unsigned char>(0xff00 >> bits);
    }
    return network;
}

Address host_prefix(const Address& address) {
    Address host = address;
    host.prefix = address.family == AF_INET ? 32 : 128;
    return host;
}

// A link message, an ack, or one batch of a dump (the kernel sizes batches by the reader).
constexpr std::size_t kReceiveSize = 8192;

/// One rtnetlink socket bound in the namespace the thread was in when it was opened.
class Socket {
  public:
    Socket() : socket_(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) {
        if (!socket_) die("open netlink socket");
        if (mnl_socket_bind(socket_, 0, MNL_SOCKET_AUTOPID) < 0) die("bind netlink socket");
        port_ = mnl_socket_get_portid(socket_);
    }
    ~Socket() { mnl_socket_close(socket_); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    /// Sends `nlh` and waits for its reply; `callback` sees a data reply. Dies on an error.
    void request(nlmsghdr* nlh, const char* what, const char* object, mnl_cb_t callback = nullptr,
                 void* data = nullptr) {
        nlh->nlmsg_seq = ++sequence_;
        if (mnl_socket_sendto(socket_, nlh, nlh->nlmsg_len) < 0) die(what, object);
        char buffer[kReceiveSize];
        for (;;) {
            ssize_t length = mnl_socket_recvfrom(socket_, buffer, sizeof buffer);
            if (length < 0) die(what, object);
            int result =
                mnl_cb_run(buffer, static_cast<size_t>(length), sequence_, port_, callback, data);
            if (result < 0) die(what, object);
            if (result == MNL_CB_STOP || !(nlh->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP))) return;
        }
    }

    /// Lets the kernel filter dumps by link and table, as nsveth asks it to.
    bool enable_strict_checking() {
        int on = 1;
        return mnl_socket_setsockopt(socket_, NETLINK_GET_STRICT_CHK, &on, sizeof on) == 0;
    }

  private:
    mnl_socket* socket_;
    unsigned port_ = 0;
    unsigned sequence_ = 0;
};

/// A request buffer with its header and family header.
struct Message {
    Message(std::uint16_t type, std::uint16_t flags) : nlh(mnl_nlmsg_put_header(buffer)) {
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    }
    template <typename Header>
    Header* header() {
        return static_cast<Header*>(mnl_nlmsg_put_extra_header(nlh, sizeof(Header)));
    }
    char buffer[512];  // the largest request, the veth, is about 100 bytes
    nlmsghdr* nlh;
};

void create_veth(Socket& host, const char* host_name, const char* peer_name, int peer_netns) {
    Message m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
    m.header<ifinfomsg>()->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, host_name);
    nlattr* linkinfo = mnl_attr_nest_start(m.nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(m.nlh, IFLA_INFO_KIND, "veth");
    nlattr* data = mnl_attr_nest_start(m.nlh, IFLA_INFO_DATA);
    nlattr* peer = mnl_attr_nest_start(m.nlh, VETH_INFO_PEER);
    m.header<ifinfomsg>()->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, peer_name);
    mnl_attr_put_u32(m.nlh, IFLA_NET_NS_FD, static_cast<std::uint32_t>(peer_netns));
    mnl_attr_nest_end(m.nlh, peer);
    mnl_attr_nest_end(m.nlh, data);
    mnl_attr_nest_end(m.nlh, linkinfo);
    host.request(m.nlh, "create veth ", host_name);
}

int link_index(Socket& socket, const char* name) {
    Message m(RTM_GETLINK, 0);
    m.header<ifinfomsg>()->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, name);
    mnl_attr_put_u32(m.nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    int index = 0;
    socket.request(
        m.nlh, "look up ", name,
        [](const nlmsghdr* nlh, void* data) {
            if (nlh->nlmsg_type == RTM_NEWLINK)
                *static_cast<int*>(data) =
                    static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh))->ifi_index;
            return MNL_CB_OK;
        },
        &index);
    return index;
}

/// Dumps the addresses of link `index` (the kernel filters them with strict checking on).
void dump_addresses(Socket& socket, int index) {
    Message m(RTM_GETADDR, NLM_F_DUMP);
    m.header<ifaddrmsg>()->ifa_index = static_cast<unsigned>(index);
    socket.request(m.nlh, "dump addresses", "");
}

/// Dumps the `family` routes of the main table out of link `index`.
void dump_routes(Socket& socket, int family, int index) {
    Message m(RTM_GETROUTE, NLM_F_DUMP);
    m.header<rtmsg>()->rtm_family = static_cast<unsigned char>(family);
    mnl_attr_put_u32(m.nlh, RTA_TABLE, RT_TABLE_MAIN);
    mnl_attr_put_u32(m.nlh, RTA_OIF, static_cast<std::uint32_t>(index));
    socket.request(m.nlh, "dump routes", "");
}

void set_up(Socket& socket, int index, const char* name) {
    Message m(RTM_NEWLINK, NLM_F_ACK);
    auto* ifi = m.header<ifinfomsg>();
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = index;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    socket.request(m.nlh, "set up ", name);
}

void add_address(Socket& socket, int index, const Address& address, unsigned flags) {
    Message m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
    auto* ifa = m.header<ifaddrmsg>();
    ifa->ifa_family = static_cast<unsigned char>(address.family);
    ifa->ifa_prefixlen = static_cast<unsigned char>(address.prefix);
    ifa->ifa_index = static_cast<unsigned>(index);
    ifa->ifa_flags = static_cast<unsigned char>(flags);
    mnl_attr_put(m.nlh, IFA_LOCAL, address.size(), address.bytes);
    mnl_attr_put(m.nlh, IFA_ADDRESS, address.size(), address.bytes);
    mnl_attr_put_u32(m.nlh, IFA_FLAGS, flags);
    socket.request(m.nlh, "add address", "");
}

void add_route(Socket& socket, int index, const Address& dst, const Address* gateway,
               const Address* source, unsigned char scope) {
    Message m(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
    auto* rtm = m.header<rtmsg>();
    rtm->rtm_family = static_cast<unsigned char>(dst.family);
    rtm->rtm_dst_len = static_cast<unsigned char>(dst.prefix);
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_BOOT;
    rtm->rtm_scope = scope;
    rtm->rtm_type = RTN_UNICAST;
    mnl_attr_put_u32(m.nlh, RTA_TABLE, RT_TABLE_MAIN);
    mnl_attr_put(m.nlh, RTA_DST, dst.size(), dst.bytes);
    if (gateway) mnl_attr_put(m.nlh, RTA_GATEWAY, gateway->size(), gateway->bytes);
    if (source) mnl_attr_put(m.nlh, RTA_PREFSRC, source->size(), source->bytes);
    mnl_attr_put_u32(m.nlh, RTA_OIF, static_cast<std::uint32_t>(index));
    socket.request(m.nlh, "add route", "");
}

/// Writes a /proc/sys/net file of the calling thread's namespace: "ipv6/conf/<ifname>/<key>".
void write_sysctl(const char* format, const char* ifname, const char* value) {
    char file[128] = "/proc/sys/net/";
    std::snprintf(file + std::strlen(file), sizeof file - std::strlen(file), format, ifname);
    int fd = ::open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, value, std::strlen(value)) < 0) die("write ", file);
    ::close(fd);
}

/// Sets forwarding on for `family` unless it already is: read with RTM_GETNETCONF, as nsveth
/// reads it (a /proc/sys/net/ipv6 path costs time in proportion to the namespaces on the host),
/// written through `path` ("ipv4/ip_forward").
void ensure_forwarding(Socket& socket, int family, const char* path) {
    Message m(RTM_GETNETCONF, 0);
    m.header<netconfmsg>()->ncm_family = static_cast<unsigned char>(family);
    mnl_attr_put_u32(m.nlh, NETCONFA_IFINDEX, static_cast<std::uint32_t>(NETCONFA_IFINDEX_ALL));
    int forwarding = -1;
    socket.request(
        m.nlh, "read forwarding of ", path,
        [](const nlmsghdr* nlh, void* data) {
            mnl_attr_parse(
                nlh, sizeof(netconfmsg),
                [](const nlattr* attr, void* out) {
                    if (mnl_attr_get_type(attr) == NETCONFA_FORWARDING)
                        *static_cast<int*>(out) = static_cast<int>(mnl_attr_get_u32(attr));
                    return MNL_CB_OK;
                },
                data);
            return MNL_CB_OK;
        },
        &forwarding);
    if (forwarding != 1) write_sysctl(path, "", "1");
}

void enter(int netns_fd, const char* what) {
    if (setns(netns_fd, CLONE_NEWNET) < 0) die("setns into ", what);
}

int add(int argc, char** argv) {
    if (argc != 7 && argc != 9) {
        std::fprintf(stderr,
                     "usage: cni_floor add NETNS IFNAME HOSTVETH ADDRESS/PREFIX GATEWAY "
                     "[ADDRESS/PREFIX GATEWAY]\n");
        return 2;
    }
    const char* ifname = argv[3];
    const char* host_name = argv[4];
    struct Ip {
        Address address, gateway;
    } ips[2];
    const int count = (argc - 5) / 2;
    bool v4 = false, v6 = false;
    for (int i = 0; i < count; ++i) {
        ips[i].address = parse_address(argv[5 + 2 * i], 0);
        ips[i].gateway =
            parse_address(argv[6 + 2 * i], ips[i].address.family == AF_INET ? 32 : 128);
        (ips[i].address.family == AF_INET ? v4 : v6) = true;
    }

    Socket host;
    const int pod_fd = ::open(argv[2], O_RDONLY | O_CLOEXEC);
    if (pod_fd < 0) die("open ", argv[2]);
    const int host_fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (host_fd < 0) die("open ", "/proc/thread-self/ns/net");
    enter(pod_fd, "the pod");
    Socket pod;  // bound in the pod; usable from anywhere

    create_veth(host, host_name, ifname, pod_fd);

    if (v6) {
        write_sysctl("ipv6/conf/%s/accept_dad", ifname, "0");
        write_sysctl("ipv6/conf/%s/keep_addr_on_down", ifname, "1");
    }
    set_up(pod, 1, "lo");  // lo is ifindex 1 in every namespace (LOOPBACK_IFINDEX)
    const int pod_index = link_index(pod, ifname);
    for (int i = 0; i < count; ++i)
        add_address(pod, pod_index, ips[i].address, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
    set_up(pod, pod_index, ifname);
    for (int i = 0; i < count; ++i) {
        add_route(pod, pod_index, host_prefix(ips[i].gateway), nullptr, &ips[i].address,
                  RT_SCOPE_LINK);
        add_route(pod, pod_index, network_of(ips[i].address), &ips[i].gateway, &ips[i].address,
                  RT_SCOPE_UNIVERSE);
    }
    for (int i = 0; i < count; ++i) {
        Address any;
        any.family = ips[i].address.family;
        add_route(pod, pod_index, any, &ips[i].gateway, nullptr, RT_SCOPE_UNIVERSE);
    }

    enter(host_fd, "the host");
    if (v6) write_sysctl("ipv6/conf/%s/accept_ra", host_name, "0");
    const int host_index = link_index(host, host_name);
    for (int i = 0; i < count; ++i)
        add_address(host, host_index, host_prefix(ips[i].gateway), IFA_F_NODAD);
    set_up(host, host_index, host_name);
    for (int i = 0; i < count; ++i)
        add_route(host, host_index, host_prefix(ips[i].address), nullptr, nullptr, RT_SCOPE_LINK);
    if (v4) ensure_forwarding(host, AF_INET, "ipv4/ip_forward");
    if (v6) ensure_forwarding(host, AF_INET6, "ipv6/conf/all/forwarding");
    return 0;
}

int check(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: cni_floor check NETNS IFNAME HOSTVETH FAMILY...\n");
        return 2;
    }
    const int pod_fd = ::open(argv[2], O_RDONLY | O_CLOEXEC);
    if (pod_fd < 0) die("open ", argv[2]);
    const int host_fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (host_fd < 0) die("open ", "/proc/thread-self/ns/net");
    enter(pod_fd, "the pod");
    Socket pod;
    enter(host_fd, "the host");
    Socket host;
    if (!pod.enable_strict_checking() || !host.enable_strict_checking())
        die("enable strict checking");
    const struct {
        Socket& socket;
        const char* name;
    } sides[] = {{pod, argv[3]}, {host, argv[4]}};
    bool v4 = false, v6 = false;
    for (int i = 5; i < argc; ++i) (std::atoi(argv[i]) == 6 ? v6 : v4) = true;
    const int family = v4 && v6 ? AF_UNSPEC : v6 ? AF_INET6 : AF_INET;
    for (const auto& side : sides) {
        const int index = link_index(side.socket, side.name);
        dump_addresses(side.socket, index);
        dump_routes(side.socket, family, index);
    }
    return 0;
}

int del(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: cni_floor del HOSTVETH\n");
        return 2;
    }
    Socket host;
    Message m(RTM_DELLINK, NLM_F_ACK);
    m.header<ifinfomsg>()->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, argv[2]);
    host.request(m.nlh, "delete ", argv[2]);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "add") == 0) return add(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "check") == 0) return check(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "del") == 0) return del(argc, argv);
    std::fprintf(stderr, "usage: cni_floor add|check|del ...\n");
    return 2;
}
