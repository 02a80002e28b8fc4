// Network namespace handles and the one way nsveth enters another namespace. A Netns is an open
// fd validated as nsfs (the fd, not the path, is checked, so a path swapped underneath cannot fool
// us). NetnsGuard switches the calling thread for one scope and switches back in its destructor on
// every path, exceptions included; if switching back fails the process exits at once, because no
// undo step may ever run in the wrong namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "common/fd.h"

namespace nsveth {

class Netns {
public:
    /// Opens the namespace at `path` (a bind mount such as /var/run/netns/x or /proc/PID/ns/net).
    /// Throws CniError(kUnknownContainer) when the path does not exist,
    /// CniError(kInvalidEnvironment) when it is not a network namespace, SystemError on other
    /// failures.
    static Netns open(const std::string& path);
    /// Like open(), but nullopt when the path is missing or is no network namespace (DEL's "gone").
    static std::optional<Netns> open_if_present(const std::string& path);
    /// The calling thread's current namespace (/proc/thread-self/ns/net).
    static Netns current();

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }
    /// True when both handles refer to the same namespace (same nsfs inode).
    bool same_as(const Netns& other) const;
    /// socket_netns_cookie() of a socket opened inside this namespace (enters it briefly).
    std::optional<std::uint64_t> cookie() const;

private:
    Netns(Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
    Fd fd_;
    std::string path_;
};

/// The kernel's cookie for the namespace that socket `fd` was opened in (SO_NETNS_COOKIE):
/// unlike the nsfs inode number, never given to another namespace later, so it tells whether a
/// name still holds the namespace it held. nullopt on kernels before 5.14, which lack it. Throws
/// SystemError on other failures.
std::optional<std::uint64_t> socket_netns_cookie(int fd);

class NetnsGuard {
public:
    /// Enters `target` in the calling thread until the guard is destroyed. Throws SystemError.
    explicit NetnsGuard(const Netns& target);
    /// Enters a brand-new, empty network namespace (unshare) until the guard is destroyed.
    static NetnsGuard enter_new();
    /// Returns to the namespace that was current at construction; exits the process if it cannot.
    ~NetnsGuard();
    NetnsGuard(const NetnsGuard&) = delete;
    NetnsGuard& operator=(const NetnsGuard&) = delete;
    NetnsGuard(NetnsGuard&& other) noexcept : saved_(std::exchange(other.saved_, std::nullopt)) {}
    NetnsGuard& operator=(NetnsGuard&&) = delete;

private:
    NetnsGuard();  // saves the current namespace only
    std::optional<Netns> saved_;
};

}  // namespace nsveth
