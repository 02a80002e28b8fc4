// `nsveth netns …` as a user runs it: the nsveth binary against the real kernel, checked against
// `ip netns` on the same namespaces. Every namespace has a unique throwaway name and is removed
// however the test ends; the -all commands run in a private mount namespace whose /var/run/netns
// is an empty tmpfs, so they never see (or delete) anybody else's namespaces.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

#include "common/error.h"
#include "common/fd.h"
#include "netns/named_netns.h"
#include "netns/netns_lookup.h"
#include "tests/support/network.h"
#include "tests/support/sandbox.h"

namespace nsveth::testing {
namespace {

constexpr const char* kPath = "/usr/sbin:/usr/bin:/sbin:/bin";
using namespace std::chrono_literals;

std::vector<std::string> netns_args(std::vector<std::string> args) {
    args.insert(args.begin(), {nsveth_binary(), "netns"});
    return args;
}

/// Runs `nsveth netns ARGS...` in the test's own namespace.
ProcessResult nsveth_netns(std::vector<std::string> args) {
    return run_process(netns_args(std::move(args)), {{"PATH", kPath}}, "");
}

ProcessResult ip(const std::string& arguments) { return shell_in("", "ip " + arguments); }

/// The lines of `text` that mention `word` as a whole name ("word" or "word (...").
std::string lines_naming(const std::string& text, const std::string& word) {
    std::istringstream in(text);
    std::string line, found;
    for (; std::getline(in, line);) {
        std::istringstream words(line);
        std::string token;
        while (words >> token)
            if (token == word || token == word + ")") {
                found += line + "\n";
                break;
            }
    }
    return found;
}

std::size_t count_lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// Exactly one line on stderr, nothing on stdout.
void expect_one_message(const ProcessResult& result, const std::string& what) {
    EXPECT_TRUE(result.out.empty()) << what << ": " << result.out;
    EXPECT_EQ(count_lines(result.err), 1u) << what << ": " << result.err;
    EXPECT_EQ(result.err.back(), '\n') << what;
}

/// How many mounts in our mount namespace sit on /var/run/netns/NAME.
int mounts_of(const std::string& name) {
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    int count = 0;
    while (std::getline(in, line))
        if (line.find(" /run/netns/" + name + " ") != std::string::npos) ++count;
    return count;
}

/// A process started in the background; killed (with everything in `netns_name`, if given) and
/// collected however the test ends.
class Background {
  public:
    explicit Background(RunningProcess process, std::string netns_name = {})
        : process_(process), netns_name_(std::move(netns_name)) {}
    ~Background() {
        if (!finished_) stop();
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    int pid() const { return process_.pid; }
    /// Reads stdout until it contains `wanted` or `timeout` passes; returns what was read.
    std::string read_until(const std::string& wanted, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (output_.find(wanted) == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd fd{process_.stdout_fd, POLLIN, 0};
            if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
            char buffer[1024];
            ssize_t length = read(process_.stdout_fd, buffer, sizeof buffer);
            if (length <= 0) break;
            output_.append(buffer, static_cast<std::size_t>(length));
        }
        return output_;
    }
    /// Waits for the process to end by itself and collects it.
    ProcessResult wait() {
        finished_ = true;
        ProcessResult result = finish(process_);
        result.out = output_ + result.out;
        return result;
    }
    /// Kills the process (and first whatever runs in `netns_name`) and collects it.
    ProcessResult stop() {
        finished_ = true;
        if (!netns_name_.empty()) {
            try {
                auto netns = Netns::open_if_present(named_netns_path(netns_name_));
                if (netns)
                    for (int pid : pids_in_netns(identity_of(*netns))) kill(pid, SIGKILL);
            } catch (const SystemError&) {
            }
        }
        kill(process_.pid, SIGTERM);
        ProcessResult result = finish(process_);
        result.out = output_ + result.out;
        return result;
    }

  private:
    RunningProcess process_;
    std::string netns_name_;
    std::string output_;
    bool finished_ = false;
};

/// Waits up to 5 s for `ready`.
template <typename Ready>
bool eventually(Ready ready) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (ready()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

/// True once process `pid` holds an inotify watch (the monitor is listening).
bool has_inotify_watch(int pid) {
    // The process may still be exec'ing, so its fds come and go under us: every step takes an
    // error_code (a range-for's increment would throw).
    std::error_code error;
    const std::string dir = "/proc/" + std::to_string(pid) + "/fdinfo";
    // An fd closed between listing and reading makes read() fail (ENOENT), which an ifstream
    // turns into an exception: plain read(), and such an fd simply has no watch.
    for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
         it.increment(error)) {
        Fd file(::open(it->path().c_str(), O_RDONLY | O_CLOEXEC));
        char text[4096];
        const ssize_t length = file ? ::read(file.get(), text, sizeof text - 1) : -1;
        if (length > 0 && std::string_view(text, static_cast<std::size_t>(length)).find(
                              "inotify wd:") != std::string_view::npos)
            return true;
    }
    return false;
}

TEST(CliNetns, AddAndListInteroperateWithIp) {
    NameCleanup mine("nsvt-cli-add"), theirs("nsvt-cli-ip");
    ASSERT_EQ(nsveth_netns({"add", mine.name()}).status, 0);
    EXPECT_EQ(lines_naming(ip("netns list").out, mine.name()), mine.name() + "\n");

    ASSERT_EQ(ip("netns add " + theirs.name()).status, 0);
    ProcessResult listed = nsveth_netns({"list"});
    EXPECT_EQ(listed.status, 0) << listed.err;
    EXPECT_EQ(lines_naming(listed.out, theirs.name()), theirs.name() + "\n");
    EXPECT_EQ(lines_naming(listed.out, mine.name()), mine.name() + "\n");
    // No command lists too, as `ip netns` does.
    EXPECT_EQ(lines_naming(nsveth_netns({}).out, mine.name()), mine.name() + "\n");
}

TEST(CliNetns, DuplicateAddGivesIproute2Text) {
    NameCleanup name("nsvt-cli-dup");
    ASSERT_EQ(nsveth_netns({"add", name.name()}).status, 0);
    ProcessResult again = nsveth_netns({"add", name.name()});
    EXPECT_EQ(again.status, 1);
    EXPECT_EQ(again.err,
              "Cannot create namespace file \"/var/run/netns/" + name.name() + "\": File exists\n");
    EXPECT_TRUE(again.out.empty());
    EXPECT_EQ(mounts_of(name.name()), 1);  // the first one is untouched
}

TEST(CliNetns, ExecRunsInsideWithItsOwnSysAndEtc) {
    ScopedNetns ns("nsvt-cli-exec");
    ProcessResult links = nsveth_netns({"exec", ns.name(), "ip", "-o", "link"});
    EXPECT_EQ(links.status, 0) << links.err;
    EXPECT_EQ(count_lines(links.out), 1u) << links.out;
    EXPECT_NE(links.out.find(": lo: "), std::string::npos) << links.out;
    EXPECT_EQ(nsveth_netns({"exec", ns.name(), "ls", "/sys/class/net"}).out, "lo\n");

    EXPECT_EQ(nsveth_netns({"exec", ns.name(), "sh", "-c", "exit 7"}).status, 7);
    ProcessResult missing = nsveth_netns({"exec", ns.name(), "nsvt-no-such-command"});
    EXPECT_EQ(missing.status, 127);
    expect_one_message(missing, "unknown command");

    // /etc/netns/NAME/hosts is bound over /etc/hosts for the command only.
    const std::filesystem::path etc_dir = "/etc/netns/" + ns.name();
    const bool made_parent = !std::filesystem::exists("/etc/netns");
    std::filesystem::create_directories(etc_dir);
    struct RemoveEtc {
        std::filesystem::path dir;
        bool parent;
        ~RemoveEtc() {
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
            if (parent) std::filesystem::remove(dir.parent_path(), ignored);
        }
    } remove_etc{etc_dir, made_parent};
    std::ofstream(etc_dir / "hosts") << "10.77.0.1 nsvt-marker\n";
    EXPECT_EQ(nsveth_netns({"exec", ns.name(), "cat", "/etc/hosts"}).out,
              "10.77.0.1 nsvt-marker\n");
    EXPECT_EQ(shell_in("", "grep -c nsvt-marker /etc/hosts").out, "0\n");
}

TEST(CliNetns, IdentifyAndPidsAgreeWithIp) {
    ScopedNetns ns("nsvt-cli-pid");
    Background sleeper(
        start_process(netns_args({"exec", ns.name(), "sleep", "30"}), {{"PATH", kPath}}, ""),
        ns.name());
    ASSERT_TRUE(eventually([&] { return !pids_in_netns(identity_of(ns.netns())).empty(); }));

    ProcessResult pids = nsveth_netns({"pids", ns.name()});
    EXPECT_EQ(pids.status, 0) << pids.err;
    EXPECT_EQ(pids.out, ip("netns pids " + ns.name()).out);
    ASSERT_EQ(count_lines(pids.out), 1u) << pids.out;  // the sleep; nsveth itself stays outside
    const std::string pid = pids.out.substr(0, pids.out.size() - 1);
    EXPECT_NE(pid, std::to_string(sleeper.pid()));

    ProcessResult identified = nsveth_netns({"identify", pid});
    EXPECT_EQ(identified.status, 0) << identified.err;
    EXPECT_EQ(identified.out, ns.name() + "\n");
    EXPECT_EQ(identified.out, ip("netns identify " + pid).out);
    // Without a PID: the namespace nsveth itself runs in.
    ProcessResult self =
        run_process({nsveth_binary(), "netns", "identify"}, {{"PATH", kPath}}, "", ns.path());
    EXPECT_EQ(self.out, ns.name() + "\n");

    ASSERT_EQ(kill(std::stoi(pid), SIGKILL), 0);
    ProcessResult ended = sleeper.wait();
    EXPECT_EQ(ended.status, 128 + SIGKILL);  // exec reports the signal that ended the command
}

TEST(CliNetns, AttachNamesAProcessNamespace) {
    ScopedNetns ns("nsvt-cli-att");
    NameCleanup alias("nsvt-cli-alias"), never("nsvt-cli-never");
    Background sleeper(start_process({"sleep", "30"}, {{"PATH", kPath}}, "", ns.path()));
    const std::string pid = std::to_string(sleeper.pid());
    ASSERT_TRUE(eventually([&] { return identity_of_process(pid) == identity_of(ns.netns()); }));

    ProcessResult attached = nsveth_netns({"attach", alias.name(), pid});
    EXPECT_EQ(attached.status, 0) << attached.err;
    EXPECT_EQ(identity_of(open_named_netns(alias.name())), identity_of(ns.netns()));
    ProcessResult names = nsveth_netns({"identify", pid});
    EXPECT_EQ(lines_naming(names.out, alias.name()), alias.name() + "\n");
    EXPECT_EQ(lines_naming(names.out, ns.name()), ns.name() + "\n");

    ProcessResult gone = nsveth_netns({"attach", never.name(), "999999999"});
    EXPECT_EQ(gone.status, 1);
    expect_one_message(gone, "attach to a missing process");
    EXPECT_FALSE(std::filesystem::exists(named_netns_path(never.name())));
}

TEST(CliNetns, SetAndListIdRoundTripAndAgreeWithIp) {
    ScopedNetns first("nsvt-cli-id1"), second("nsvt-cli-id2");
    const int chosen = 20000 + getpid() % 40000;  // unlikely to be taken in the host namespace
    ProcessResult set = nsveth_netns({"set", first.name(), std::to_string(chosen)});
    ASSERT_EQ(set.status, 0) << set.err;
    ASSERT_EQ(nsveth_netns({"set", second.name(), "auto"}).status, 0);

    ProcessResult listed = nsveth_netns({"list"});
    EXPECT_EQ(lines_naming(listed.out, first.name()),
              first.name() + " (id: " + std::to_string(chosen) + ")\n");
    EXPECT_EQ(lines_naming(listed.out, second.name()),
              lines_naming(ip("netns list").out, second.name()));
    EXPECT_NE(lines_naming(listed.out, second.name()).find(" (id: "), std::string::npos);

    ProcessResult ids = nsveth_netns({"list-id"});
    EXPECT_EQ(ids.status, 0) << ids.err;
    EXPECT_EQ(lines_naming(ids.out, first.name()),
              "nsid " + std::to_string(chosen) + " (iproute2 netns name: " + first.name() + ")\n");
    for (const auto* name : {&first.name(), &second.name()})
        EXPECT_EQ(lines_naming(ids.out, *name), lines_naming(ip("netns list-id").out, *name));
    EXPECT_EQ(nsveth_netns({"list-id", "nsid", std::to_string(chosen)}).out,
              ip("netns list-id nsid " + std::to_string(chosen)).out);

    // Ids seen from another namespace: inside `first`, name `second` 7.
    ASSERT_EQ(
        nsveth_netns({"exec", first.name(), nsveth_binary(), "netns", "set", second.name(), "7"})
            .status,
        0);
    ProcessResult target = nsveth_netns({"list-id", "target-nsid", std::to_string(chosen)});
    EXPECT_EQ(target.status, 0) << target.err;
    EXPECT_NE(target.out.find("nsid 7 current-nsid "), std::string::npos) << target.out;
    EXPECT_EQ(target.out, ip("netns list-id target-nsid " + std::to_string(chosen)).out);

    ProcessResult again = nsveth_netns({"set", first.name(), "auto"});
    EXPECT_EQ(again.status, 1);
    expect_one_message(again, "second id");
    EXPECT_NE(again.err.find("File exists"), std::string::npos) << again.err;
}

TEST(CliNetns, MonitorPrintsAddAndDelete) {
    NameCleanup name("nsvt-cli-mon");
    Background monitor(start_process(netns_args({"monitor"}), {{"PATH", kPath}}, ""));
    ASSERT_TRUE(eventually([&] { return has_inotify_watch(monitor.pid()); }));
    ASSERT_EQ(nsveth_netns({"add", name.name()}).status, 0);
    std::string seen = monitor.read_until("add " + name.name() + "\n", 5s);
    EXPECT_NE(seen.find("add " + name.name() + "\n"), std::string::npos) << seen;
    ASSERT_EQ(ip("netns delete " + name.name()).status, 0);
    seen = monitor.read_until("delete " + name.name() + "\n", 5s);
    EXPECT_NE(seen.find("delete " + name.name() + "\n"), std::string::npos) << seen;
    ProcessResult stopped = monitor.stop();
    EXPECT_EQ(stopped.status, 128 + SIGTERM);  // it runs until killed
    EXPECT_TRUE(stopped.err.empty()) << stopped.err;
}

TEST(CliNetns, DeleteLeavesNothingMounted) {
    NameCleanup name("nsvt-cli-del");
    ASSERT_EQ(nsveth_netns({"add", name.name()}).status, 0);
    EXPECT_EQ(mounts_of(name.name()), 1);
    ProcessResult deleted = nsveth_netns({"delete", name.name()});
    EXPECT_EQ(deleted.status, 0) << deleted.err;
    EXPECT_TRUE(deleted.err.empty() && deleted.out.empty());
    EXPECT_FALSE(std::filesystem::exists(named_netns_path(name.name())));
    EXPECT_EQ(mounts_of(name.name()), 0);
    EXPECT_EQ(lines_naming(ip("netns list").out, name.name()), "");

    ProcessResult again = nsveth_netns({"delete", name.name()});
    EXPECT_EQ(again.status, 1);
    EXPECT_EQ(again.err, "Cannot remove namespace file \"/var/run/netns/" + name.name() +
                             "\": No such file or directory\n");
}

TEST(CliNetns, AllExecAndAllDeleteInAPrivateRunDirectory) {
    const std::string a = unique_name("nsvt-cli-all"), b = unique_name("nsvt-cli-all");
    const std::string nsveth = nsveth_binary() + " netns ";
    // Refuse to go on unless /var/run/netns really is the private tmpfs: -all delete must never
    // reach the machine's namespaces.
    const std::string script =
        "mount -t tmpfs nsvt /var/run/netns || exit 99\n"
        "[ \"$(stat -f -c %T /var/run/netns)\" = tmpfs ] || exit 99\n" +
        nsveth + "add " + a + " && " + nsveth + "add " + b + " || exit 98\n" + nsveth +
        "-all exec ip -o link show; echo \"exec status $?\"\n" + nsveth +
        "-all exec false; echo \"false status $?\"\n" + nsveth +
        "-all delete; echo \"delete status $?\"\n"
        "echo \"left: $(ls -A /var/run/netns)\"\n"
        "echo \"mounts: $(grep -c -e ' /run/netns/" +
        a + " ' -e ' /run/netns/" + b + " ' /proc/self/mountinfo)\"\n";
    ProcessResult result =
        run_process({"unshare", "--mount", "--propagation", "private", "sh", "-c", script},
                    {{"PATH", kPath}}, "");
    ASSERT_EQ(result.status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("\nnetns: " + a + "\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\nnetns: " + b + "\n"), std::string::npos) << result.out;
    std::size_t links = 0;
    for (std::size_t at = result.out.find(": lo: "); at != std::string::npos;
         at = result.out.find(": lo: ", at + 1))
        ++links;
    EXPECT_EQ(links, 2u) << result.out;
    EXPECT_NE(result.out.find("exec status 0\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("false status 1\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("delete status 0\nleft: \nmounts: 0\n"), std::string::npos)
        << result.out;
    EXPECT_FALSE(std::filesystem::exists(named_netns_path(a)));
}

TEST(CliNetns, BadInputIsOneLineAndCreatesNothing) {
    const std::string name = unique_name("nsvt-cli-bad");
    const std::vector<std::vector<std::string>> cases = {
        {"bogus"},
        {"add"},
        {"add", name + "/b"},
        {"add", ".."},
        {"add", "."},
        {"add", ""},
        {"add", name, "extra"},
        {"attach", name},
        {"attach", name, "abc"},
        {"attach", name, "0"},
        {"set", name},
        {"set", name, "x"},
        {"set", name, "-1"},
        {"delete"},
        {"delete", "a/b"},
        {"pids"},
        {"identify", "abc"},
        {"exec"},
        {"exec", name},
        {"exec", "../" + name, "true"},
        {"monitor", "now"},
        {"list", "x"},
        {"list-id", "nsid"},
        {"list-id", "nsid", "x"},
        {"list-id", "nsid", "1", "nsid", "2"},
        {"list-id", "foo"},
        {"-all"},
        {"-all", "add", name},
        {"help", "bogus"},
    };
    for (const auto& args : cases) {
        std::string what = "nsveth netns";
        for (const auto& arg : args) what += " '" + arg + "'";
        ProcessResult result = nsveth_netns(args);
        EXPECT_EQ(result.status, 2) << what << ": " << result.err;
        expect_one_message(result, what);
    }
    EXPECT_FALSE(std::filesystem::exists(named_netns_path(name)));
    EXPECT_EQ(mounts_of(name), 0);

    ProcessResult top = run_process({nsveth_binary(), "bogus"}, {{"PATH", kPath}}, "");
    EXPECT_EQ(top.status, 2);
    expect_one_message(top, "nsveth bogus");
    ProcessResult missing = nsveth_netns({"pids", name});
    EXPECT_EQ(missing.status, 1);
    EXPECT_EQ(missing.err,
              "Cannot open network namespace \"" + name + "\": No such file or directory\n");
}

TEST(CliNetns, HelpPerCommandWithExamples) {
    ProcessResult top = run_process({nsveth_binary(), "--help"}, {{"PATH", kPath}}, "");
    EXPECT_EQ(top.status, 0);
    EXPECT_NE(top.out.find("nsveth netns list-id"), std::string::npos) << top.out;
    ProcessResult version = run_process({nsveth_binary(), "version"}, {{"PATH", kPath}}, "");
    EXPECT_EQ(version.status, 0);
    EXPECT_EQ(version.out.rfind("nsveth ", 0), 0u) << version.out;
    for (const std::string command : {"list", "add", "attach", "set", "delete", "identify", "pids",
                                      "exec", "monitor", "list-id"}) {
        ProcessResult help = nsveth_netns({"help", command});
        EXPECT_EQ(help.status, 0) << command;
        EXPECT_NE(help.out.find("Examples:\n  nsveth netns "), std::string::npos) << help.out;
        EXPECT_EQ(nsveth_netns({command, "--help"}).out, help.out) << command;
    }
}

}  // namespace
}  // namespace nsveth::testing
