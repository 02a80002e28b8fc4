// The bench's namespaces: new network namespaces that belong to no process and have no name.
// The bench holds each one by an open nsfs descriptor, and plugins reach it through
// /proc/<bench pid>/fd/<n> (an nsfs file, as /var/run/netns/<name> is). When the descriptor
// closes — at the end of a phase, or because the bench exited or was killed — the kernel
// destroys the namespace and every veth end in it, so nothing is left behind on the machine.
#pragma once

#include <string>

namespace nsveth::bench {

class Namespace {
  public:
    /// A fresh network namespace; the calling thread is back in its own one on return.
    /// Throws std::system_error; aborts if it cannot switch back.
    static Namespace create();

    Namespace(Namespace&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Namespace& operator=(Namespace&& other) noexcept;
    Namespace(const Namespace&) = delete;
    Namespace& operator=(const Namespace&) = delete;
    ~Namespace();

    int fd() const { return fd_; }
    /// What CNI_NETNS carries: /proc/<bench pid>/fd/<fd>.
    std::string path() const;

    /// Interfaces in this namespace other than lo, from its /proc/net/dev. Throws.
    int count_links() const;

  private:
    explicit Namespace(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace nsveth::bench
