// ipam_bench: what the IPAM store costs. Times reserve() and release() of fresh attachments in a
// /16 network holding 0, 1,000 and 10,000 reservations, and measures what making one
// reservation durable (fsync of a small file and of its directory) would add on this machine —
// the cost the boot-id design saves (ipam/README.md, "Why nothing is fsynced").
// Usage: ipam_bench [directory]  — works in a fresh temp directory inside `directory` (default
// /var/lib, the file system of the default dataDir) and removes it at the end.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/fd.h"
#include "ipam/config.h"
#include "ipam/ipam.h"

namespace {

using nsveth::ipam::AttachmentId;
using Clock = std::chrono::steady_clock;

constexpr int kSamples = 200;
constexpr int kFsyncSamples = 100;
constexpr const char* kNetwork = "bench";

// Set by SIGINT/SIGTERM; the loops stop and the temp directory is still removed.
volatile std::sig_atomic_t interrupted = 0;

void on_signal(int) { interrupted = 1; }

void check_interrupted() {
    if (interrupted) throw std::runtime_error("interrupted");
}

// Removes the temp directory however run() ends.
class TempDir {
public:
    explicit TempDir(const std::string& parent) {
        std::string pattern = parent + "/nsveth-ipam-bench-XXXXXX";
        if (!::mkdtemp(pattern.data())) nsveth::throw_errno("create a temp directory in " + parent);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

double micros_of(const std::function<void()>& action) {
    Clock::time_point start = Clock::now();
    action();
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// The p-quantile (0 < p <= 1) by the nearest-rank method.
double quantile(std::vector<double> samples, double p) {
    std::sort(samples.begin(), samples.end());
    std::size_t rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(samples.size())));
    return samples[std::max<std::size_t>(rank, 1) - 1];
}

std::string file_system_of(const std::string& path) {
    struct statfs fs;
    if (::statfs(path.c_str(), &fs) < 0) return "unknown file system";
    switch (static_cast<unsigned long>(fs.f_type)) {
        case 0xEF53:
            return "ext4";
        case 0x58465342:
            return "xfs";
        case 0x9123683E:
            return "btrfs";
        case 0x01021994:
            return "tmpfs (fsync does nothing there)";
        case 0x794C7630:
            return "overlayfs";
        case 0x2FC12FC1:
            return "zfs";
        default: {
            char text[32];
            std::snprintf(text, sizeof text, "file system 0x%lx",
                          static_cast<unsigned long>(fs.f_type));
            return text;
        }
    }
}

// Whether `path` is on ext4 without a journal. Such an ext4 does not hand out an inode deleted in
// the last 60 s (360 s while its inode table block is dirty), and scans past every one of them
// (fs/ext4/ialloc.c, recently_deleted()): after many deletions, including an earlier run's clean
// up, creating files gets slow for minutes. Journaled ext4, the usual /var/lib, skips that check.
bool is_ext4_without_journal(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return false;
    std::error_code error;
    std::filesystem::path device =
        std::filesystem::read_symlink("/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" +
                                          std::to_string(minor(st.st_dev)),
                                      error);
    if (error) return false;
    std::ifstream task("/sys/fs/ext4/" + device.filename().string() + "/journal_task");
    std::string value;
    return std::getline(task, value) && value == "<none>";
}

AttachmentId attachment(const std::string& prefix, int n) {
    return AttachmentId{prefix + std::to_string(n), "eth0"};
}

struct Durable {
    std::vector<double> total, file_fsync, dir_fsync;
};

// What the store did per file before: a small temp file written and fsynced, linked into place,
// the directory fsynced.
Durable measure_durable_write(const std::string& dir) {
    nsveth::Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd) nsveth::throw_errno("open " + dir);
    const std::string content = "bench-container-0123456789\r\neth0";
    Durable result;
    for (int i = 0; i < kFsyncSamples; ++i) {
        check_interrupted();
        std::string temp = ".tmp.durable." + std::to_string(i);
        std::string name = "10.255.0." + std::to_string(i);
        double file_fsync = 0, dir_fsync = 0;
        double total = micros_of([&] {
            nsveth::Fd file(::openat(dir_fd.get(), temp.c_str(),
                                     O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
            if (!file) nsveth::throw_errno("create " + dir + "/" + temp);
            if (::write(file.get(), content.data(), content.size()) !=
                static_cast<ssize_t>(content.size()))
                nsveth::throw_errno("write " + dir + "/" + temp);
            file_fsync = micros_of([&] {
                if (::fsync(file.get()) < 0) nsveth::throw_errno("fsync " + temp);
            });
            if (::linkat(dir_fd.get(), temp.c_str(), dir_fd.get(), name.c_str(), 0) < 0)
                nsveth::throw_errno("link " + name);
            ::unlinkat(dir_fd.get(), temp.c_str(), 0);
            dir_fsync = micros_of([&] {
                if (::fsync(dir_fd.get()) < 0) nsveth::throw_errno("fsync " + dir);
            });
        });
        result.total.push_back(total);
        result.file_fsync.push_back(file_fsync);
        result.dir_fsync.push_back(dir_fsync);
    }
    return result;
}

int run(const std::string& parent) {
    TempDir temp(parent);
    const std::string data_dir = temp.path() + "/data";
    const nsveth::ipam::Config config = nsveth::ipam::parse_config(
        {{"ranges", nlohmann::json::array({nlohmann::json::array({{{"subnet", "10.64.0.0/16"}}})})},
         {"dataDir", data_dir}});

    std::printf(
        "IPAM store benchmark in %s (%s), one IPv4 /16 range set, %d fresh attachments "
        "per level\n\n",
        temp.path().c_str(), file_system_of(temp.path()).c_str(), kSamples);
    if (is_ext4_without_journal(temp.path()))
        std::printf(
            "Note: ext4 without a journal. It scans past every inode deleted in the last 1-6 "
            "minutes when it allocates one, so reserve times here depend on recent deletions "
            "(an earlier run's clean up included); wait a few minutes between runs.\n\n");
    std::printf(
        "| reservations | reserve median µs | reserve p95 µs | release median µs | "
        "release p95 µs |\n");
    std::printf("|---:|---:|---:|---:|---:|\n");
    int held = 0;
    for (int level : {0, 1000, 10000}) {
        for (; held < level; ++held) {
            check_interrupted();
            nsveth::ipam::reserve(config, kNetwork, attachment("fill-", held));
        }
        std::vector<double> reserves, releases;
        const std::string prefix = "probe-" + std::to_string(level) + "-";
        for (int i = 0; i < kSamples; ++i, check_interrupted())
            reserves.push_back(
                micros_of([&] { nsveth::ipam::reserve(config, kNetwork, attachment(prefix, i)); }));
        for (int i = 0; i < kSamples; ++i, check_interrupted())
            releases.push_back(
                micros_of([&] { nsveth::ipam::release(config, kNetwork, attachment(prefix, i)); }));
        std::printf("| %d | %.0f | %.0f | %.0f | %.0f |\n", level, quantile(reserves, 0.5),
                    quantile(reserves, 0.95), quantile(releases, 0.5), quantile(releases, 0.95));
        std::fflush(stdout);
    }

    const std::string durable_dir = temp.path() + "/durable";
    std::filesystem::create_directory(durable_dir);
    Durable durable = measure_durable_write(durable_dir);
    const double file_fsync = quantile(durable.file_fsync, 0.5);
    const double dir_fsync = quantile(durable.dir_fsync, 0.5);
    std::printf(
        "\nDurable write of one reservation file (small file written + fsync, linked, directory "
        "fsync), %d samples: median %.0f µs, p95 %.0f µs (file fsync median %.0f µs, directory "
        "fsync median %.0f µs)\n",
        kFsyncSamples, quantile(durable.total, 0.5), quantile(durable.total, 0.95), file_fsync,
        dir_fsync);
    std::printf(
        "The fsyncing store did 3 file + 2 directory fsyncs per reserve of one range set "
        "(~%.0f µs) and 2 directory fsyncs per release (~%.0f µs); the boot-id store does none.\n",
        3 * file_fsync + 2 * dir_fsync, 2 * dir_fsync);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        std::fprintf(stderr, "usage: %s [directory]  (default /var/lib)\n", argv[0]);
        return 2;
    }
    // A closed pipe (`| head`) or Ctrl-C must not skip removing the temp directory.
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        return run(argc == 2 ? argv[1] : "/var/lib");
    } catch (const std::exception& error) {
        std::fprintf(stderr, "ipam_bench: %s\n", error.what());
        return 1;
    }
}
