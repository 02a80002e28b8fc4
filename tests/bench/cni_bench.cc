// cni_bench: what one nsveth call costs, next to Debian's reference plugins (ptp + host-local)
// and to the kernel floor (cni_floor: only the kernel work of the same ADD, CHECK and DEL).
//   cycles  N sequential ADD, CHECK, DEL per subject, IPv4 and dual-stack;
//   scale   ADD and DEL with 0, 100 and 1,000 attachments already present (IPv4);
//   storm   64 ADDs at once into 64 pods, then 64 DELs (dual-stack);
// then the targets of issue 6 as PASS/FAIL lines. Every plugin call is a fresh process in a
// "host" namespace of the bench's own; every namespace is held only by this process
// (bench_netns.h), so all of it disappears with it, however it ends. Markdown on stdout,
// progress on stderr. scripts/bench.sh builds it and installs what it needs; see --help.
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/bench/bench_netns.h"
#include "tests/bench/bench_process.h"
#include "tests/bench/bench_report.h"
#include "tests/bench/bench_subject.h"
#include "tests/bench/bench_system.h"

namespace nsveth::bench {

namespace {

/// "tmpfs", "ext4", ...: IPAM latency depends on it (file creation and removal).
std::string file_system_of(const std::string& path) {
    struct statfs fs {};
    if (::statfs(path.c_str(), &fs) < 0) return "unknown file system";
    switch (static_cast<unsigned long>(fs.f_type)) {
        case 0x01021994UL:
            return "tmpfs";
        case 0xEF53UL:
            return "ext2/3/4";
        case 0x58465342UL:
            return "xfs";
        case 0x9123683EUL:
            return "btrfs";
        default:
            return "file system magic " + std::to_string(fs.f_type);
    }
}

volatile sig_atomic_t interrupted = 0;
void on_signal(int) { interrupted = 1; }

struct Interrupted : std::runtime_error {
    Interrupted() : std::runtime_error("interrupted") {}
};

void check_interrupted() {
    if (interrupted) throw Interrupted();
}

void progress(const std::string& text) { std::cerr << "cni_bench: " << text << std::endl; }

struct Options {
    std::string nsveth, nsveth_cni_path, nsveth_label;
    std::string floor, spawner;
    std::string reference_dir, reference_label;
    bool reference = true;
    std::string workdir;
    std::string samples;  // CSV of every call, when set
    int cycles = 200, reference_dual_cycles = 10, warmup = 3;
    std::vector<int> scale_levels{0, 100, 1000};
    int scale_samples = 100;
    int storm = 64;
    int startup_runs = 100;
    // Of cni_spawn and so of every child. With other load on the machine, a child ready to run
    // can wait for a CPU for a whole time slice (~3 ms here) under the default policy:
    // SCHED_RR takes the CPU at once, so times measure the call and not the neighbours.
    std::string scheduling = "rr";
};

/// Waits for the kernel to finish destroying the previous phase's namespaces.
void settle() {
    if (!wait_for_netns_cleanup(check_interrupted))
        progress("namespace clean-up still running after 30 s; measuring anyway");
}

enum class Kind { kNsveth, kReference, kFloor };
enum class Verb { kAdd, kCheck, kDel };

const char* kind_name(Kind kind) {
    switch (kind) {
        case Kind::kNsveth:
            return "nsveth";
        case Kind::kReference:
            return "reference";
        case Kind::kFloor:
            return "floor";
    }
    return "?";
}

const char* verb_name(Verb verb) {
    return verb == Verb::kAdd ? "ADD" : verb == Verb::kCheck ? "CHECK" : "DEL";
}

/// One subject in one stack for one phase: its own host namespace and IPAM data directory, and
/// the pods it attaches.
struct Series {
    Kind kind;
    Stack stack;
    std::unique_ptr<Subject> subject;
    Namespace host;
    int next_index = 0;

    Pod new_pod() {
        Pod pod{next_index, Namespace::create(), "bench" + std::to_string(next_index), {}};
        ++next_index;
        return pod;
    }
    std::string label() const { return std::string(kind_name(kind)) + " " + stack_name(stack); }
};

struct StormResult {
    Kind kind = Kind::kNsveth;
    int pods = 0;
    Samples adds, dels;  // per call: wall from the gate opening to its own wait4()
    double add_wall = 0, del_wall = 0;
    int add_failures = 0, del_failures = 0, duplicates = -1;  // -1: not applicable
    int veths_after_add = 0, veths_left = 0;
    long peak_rss_kib = 0;
    std::string first_error;
};

class Bench {
  public:
    Bench(Options options, std::string workdir, Spawner& spawner, std::string scheduling)
        : options_(std::move(options)),
          workdir_(std::move(workdir)),
          spawner_(spawner),
          scheduling_(std::move(scheduling)) {
        have_reference_ = options_.reference &&
                          access((options_.reference_dir + "/ptp").c_str(), X_OK) == 0 &&
                          access((options_.reference_dir + "/host-local").c_str(), X_OK) == 0;
        if (options_.reference && !have_reference_)
            progress("no ptp and host-local in " + options_.reference_dir +
                     ": the reference is left out");
        if (!options_.samples.empty()) {
            samples_.open(options_.samples);
            if (!samples_) throw std::runtime_error("cannot write " + options_.samples);
            samples_ << "phase,series,verb,pod,wall_ms,cpu_ms,max_rss_kib,status\n";
        }
    }

    /// Everything but the last line (load()), which needs the helper stopped.
    void run() {
        start_cpu_ = machine_cpu();
        start_own_cpu_s_ = own_cpu_s();
        start_time_ = std::chrono::steady_clock::now();
        run_startup();
        print(header());
        print(startup_report());
        for (Stack stack : {Stack::kIpv4, Stack::kDualStack}) run_cycles(stack);
        print(cycles_report());
        run_scale();
        print(scale_report());
        run_storm();
        print(storm_report());
        print(targets_report());
    }

    /// How busy the machine was with other work during the run: all CPU time used minus this
    /// process's and its children's (call it after the helper is stopped and reaped).
    std::string load() const {
        const MachineCpu end = machine_cpu();
        const double busy_s = end.busy_s - start_cpu_.busy_s;
        const double total_s = end.total_s - start_cpu_.total_s;
        const double others = std::max(0.0, busy_s - (own_cpu_s() - start_own_cpu_s_));
        const double share = total_s > 0 ? others / total_s : 0;
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time_).count();
        char text[400];
        std::snprintf(
            text, sizeof text,
            "Run time %.0f s. CPU used meanwhile by anything but the bench and its "
            "children (other processes, kernel workers such as namespace clean-up): "
            "%.1f CPU-s, %.0f%% of the machine's capacity%s.",
            elapsed, others, 100 * share,
            share > 0.05 ? " — the machine was not idle: expect more noise than usual" : "");
        return text;
    }

  private:
    std::vector<Kind> kinds() const {
        if (have_reference_) return {Kind::kNsveth, Kind::kReference, Kind::kFloor};
        return {Kind::kNsveth, Kind::kFloor};
    }

    Series make_series(Kind kind, Stack stack, const std::string& phase) {
        const std::string data_dir = workdir_ + "/" + phase + "-" + kind_name(kind) + "-" +
                                     (stack == Stack::kIpv4 ? "v4" : "dual");
        std::filesystem::create_directories(data_dir);
        std::unique_ptr<Subject> subject;
        switch (kind) {
            case Kind::kNsveth:
                subject = plugin_subject(
                    {options_.nsveth, "nsveth", "nsveth-ipam", options_.nsveth_cni_path}, stack,
                    data_dir);
                break;
            case Kind::kReference:
                subject = plugin_subject(
                    {options_.reference_dir + "/ptp", "ptp", "host-local", options_.reference_dir},
                    stack, data_dir);
                break;
            case Kind::kFloor:
                subject = floor_subject(options_.floor, stack);
                break;
        }
        return Series{kind, stack, std::move(subject), Namespace::create()};
    }

    /// Runs one verb for `pod`; throws with the child's output when it fails.
    Run call(Series& series, Verb verb, Pod& pod) {
        check_interrupted();
        const Subject& subject = *series.subject;
        const Command command = verb == Verb::kAdd     ? subject.add(pod)
                                : verb == Verb::kCheck ? subject.check(pod)
                                                       : subject.del(pod);
        Run run = spawner_.run_in(series.host.fd(), command);
        record(series.label(), verb_name(verb), pod.index, run);
        check_interrupted();
        if (series.kind == Kind::kNsveth)
            nsveth_peak_rss_ = std::max(nsveth_peak_rss_, run.max_rss_kib);
        if (!run.ok())
            throw std::runtime_error(series.label() + " " + verb_name(verb) + " of " +
                                     pod.container_id + " failed: " + run.describe());
        if (verb == Verb::kAdd) pod.result = run.out;
        return run;
    }

    /// One line of the --samples file: phase, series, verb, pod, wall, CPU, RSS, status.
    void record(const std::string& series, const std::string& verb, int pod, const Run& run) {
        if (!samples_.is_open()) return;
        samples_ << phase_ << ',' << series << ',' << verb << ',' << pod << ',' << run.wall_ms
                 << ',' << run.cpu_ms << ',' << run.max_rss_kib << ',' << run.status << '\n';
    }

    /// An untimed pause of a random length, uniform in [0, 20 ms), before each measured DEL.
    /// A DEL waits for RCU grace periods, which the kernel advances on its timer tick, so its
    /// wall time comes in steps of a tick (4 ms at HZ=250). Called back to back, the calls of a
    /// cycle would start every DEL of a subject at the same tick phase, the one that the ADD and
    /// CHECK before it happen to take, and its median would move by a whole step with a 0.1 ms
    /// change in those calls. A runtime's DELs come at any phase; 20 ms is a whole number of
    /// ticks for HZ 100, 250, 300 and 1000, so the phase is uniform.
    void random_tick_phase() {
        const long ns = std::uniform_int_distribution<long>(0, 19'999'999)(phase_random_);
        timespec left{0, ns};
        while (nanosleep(&left, &left) < 0 && errno == EINTR) check_interrupted();
    }

    /// ADD, CHECK, DEL; into `stats` unless it is a warm-up.
    void cycle(Series& series, Pod& pod, std::map<Verb, Samples>* stats) {
        for (Verb verb : {Verb::kAdd, Verb::kCheck, Verb::kDel}) {
            if (verb == Verb::kDel) random_tick_phase();
            Run run = call(series, verb, pod);
            if (stats) (*stats)[verb].add(run);
        }
    }

    /// The order of the subjects in round `round` of the cycles or of a scale level: 0, 1, 2 in
    /// even rounds, 0, 2, 1 in odd ones, so that in the stream of calls each of the (at most
    /// three) subjects follows each other one equally often. What comes before matters: a DEL
    /// right after the reference's cycle takes 1.5-1.9 ms less, and a plain rotation (round + k
    /// mod 3) puts the floor there twice as often as nsveth, which made nsveth's IPv4 DEL measure
    /// 5 % slower than the floor's.
    static std::vector<std::size_t> round_order(int round, std::size_t subjects) {
        std::vector<std::size_t> order(subjects);
        std::iota(order.begin(), order.end(), std::size_t{0});
        if (round % 2 == 1 && subjects > 1) std::reverse(order.begin() + 1, order.end());
        return order;
    }

    int cycles_of(Kind kind, Stack stack) const {
        return kind == Kind::kReference && stack == Stack::kDualStack
                   ? std::min(options_.reference_dual_cycles, options_.cycles)
                   : options_.cycles;
    }

    void run_cycles(Stack stack) {
        progress(std::string("cycles, ") + stack_name(stack));
        std::vector<Series> all;
        std::vector<std::vector<Pod>> pods;
        for (Kind kind : kinds()) {
            all.push_back(make_series(kind, stack, "cycles"));
            pods.emplace_back();
            for (int i = 0; i < options_.warmup + cycles_of(kind, stack); ++i)
                pods.back().push_back(all.back().new_pod());
        }
        settle();
        std::vector<std::size_t> next(all.size(), 0);
        phase_ = "cycles-warmup";
        for (std::size_t s = 0; s < all.size(); ++s)
            for (int i = 0; i < options_.warmup; ++i) cycle(all[s], pods[s][next[s]++], nullptr);
        phase_ = "cycles";
        // Interleaved, so that drift hits every subject alike, and each subject follows each other
        // one equally often (round_order); a subject with fewer cycles takes part in evenly spread
        // rounds.
        const int rounds = options_.cycles;
        for (int round = 0; round < rounds; ++round) {
            for (const std::size_t s : round_order(round, all.size())) {
                const long count = cycles_of(all[s].kind, stack);
                if ((round + 1L) * count / rounds == round * count / rounds) continue;
                cycle(all[s], pods[s][next[s]++], &cycles_[{all[s].kind, stack}]);
            }
            if ((round + 1) % 50 == 0) progress("  " + std::to_string(round + 1) + " rounds");
        }
        for (auto& series : all) {
            const int left = series.host.count_links();
            if (left != 0)
                throw std::runtime_error(series.label() + ": " + std::to_string(left) +
                                         " links left in the host namespace after every DEL");
        }
    }

    void run_scale() {
        std::vector<int> levels = options_.scale_levels;
        std::sort(levels.begin(), levels.end());
        std::vector<Series> all;
        std::vector<std::vector<Pod>> present(kinds().size());
        for (Kind kind : kinds()) all.push_back(make_series(kind, Stack::kIpv4, "scale"));
        for (int level : levels) {
            progress("scale, " + std::to_string(level) + " attachments present");
            phase_ = "scale-fill";
            for (std::size_t s = 0; s < all.size(); ++s) {
                while (static_cast<int>(present[s].size()) < level) {
                    Pod pod = all[s].new_pod();
                    call(all[s], Verb::kAdd, pod);
                    present[s].push_back(std::move(pod));
                }
            }
            std::vector<std::vector<Pod>> pods(all.size());
            for (std::size_t s = 0; s < all.size(); ++s)
                for (int i = 0; i < options_.scale_samples; ++i)
                    pods[s].push_back(all[s].new_pod());
            settle();
            phase_ = "scale-" + std::to_string(level);
            for (int i = 0; i < options_.scale_samples; ++i) {
                for (const std::size_t s : round_order(i, all.size())) {
                    auto& [add, del] = scale_[{all[s].kind, level}];
                    add.add(call(all[s], Verb::kAdd, pods[s][i]));
                    random_tick_phase();
                    del.add(call(all[s], Verb::kDel, pods[s][i]));
                }
            }
        }
    }

    void run_storm() {
        for (Kind kind : kinds()) {
            progress(std::string("storm, ") + kind_name(kind));
            Series series = make_series(kind, Stack::kDualStack, "storm");
            std::vector<Pod> pods;
            for (int i = 0; i < options_.storm; ++i) pods.push_back(series.new_pod());
            settle();
            check_interrupted();
            StormResult result;
            result.kind = kind;
            result.pods = options_.storm;

            std::vector<Command> adds;
            for (const auto& pod : pods) adds.push_back(series.subject->add(pod));
            Burst burst = spawner_.run_burst(series.host.fd(), adds);
            phase_ = "storm";
            for (std::size_t i = 0; i < pods.size(); ++i)
                record(series.label(), "ADD", pods[i].index, burst.runs[i]);
            result.add_wall = burst.wall_ms;
            std::vector<std::string> addresses;
            for (std::size_t i = 0; i < pods.size(); ++i) {
                const Run& run = burst.runs[i];
                result.adds.add(run);
                result.peak_rss_kib = std::max(result.peak_rss_kib, run.max_rss_kib);
                if (!run.ok()) {
                    ++result.add_failures;
                    if (result.first_error.empty()) result.first_error = "ADD: " + run.describe();
                    continue;
                }
                pods[i].result = run.out;
                for (auto address : series.subject->addresses(pods[i]))
                    addresses.push_back(address.substr(0, address.find('/')));
            }
            if (kind != Kind::kFloor)  // the floor's addresses are given, not allocated
                result.duplicates = static_cast<int>(
                    addresses.size() -
                    std::set<std::string>(addresses.begin(), addresses.end()).size());
            result.veths_after_add = series.host.count_links();
            check_interrupted();

            std::vector<Command> dels;
            for (const auto& pod : pods) dels.push_back(series.subject->del(pod));
            burst = spawner_.run_burst(series.host.fd(), dels);
            for (std::size_t i = 0; i < pods.size(); ++i)
                record(series.label(), "DEL", pods[i].index, burst.runs[i]);
            result.del_wall = burst.wall_ms;
            for (const Run& run : burst.runs) {
                result.dels.add(run);
                result.peak_rss_kib = std::max(result.peak_rss_kib, run.max_rss_kib);
                if (!run.ok()) {
                    ++result.del_failures;
                    if (result.first_error.empty()) result.first_error = "DEL: " + run.describe();
                }
            }
            result.veths_left = series.host.count_links();
            if (kind == Kind::kNsveth)
                nsveth_peak_rss_ = std::max(nsveth_peak_rss_, result.peak_rss_kib);
            storm_.push_back(result);
        }
    }

    /// Process start-up alone: a static program that exits at once (the method's own floor:
    /// fork, exec, wait4, and the ru_maxrss every child includes at least), and CNI VERSION of
    /// nsveth and of ptp, which parse their input and answer without touching the kernel.
    void run_startup() {
        progress("start-up");
        Namespace scratch = Namespace::create();
        const std::string input = R"({"cniVersion":"1.0.0"})";
        const std::vector<std::string> env{"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                           "CNI_COMMAND=VERSION"};
        std::vector<std::pair<std::string, Command>> commands{
            {"static program that exits at once", {{options_.spawner, "--exit"}, {}, {}}},
            {"nsveth VERSION", {{options_.nsveth}, env, input}}};
        if (have_reference_)
            commands.push_back(
                {"reference ptp VERSION", {{options_.reference_dir + "/ptp"}, env, input}});
        startup_.resize(commands.size());
        for (int i = 0; i < options_.startup_runs; ++i)
            for (std::size_t k = 0; k < commands.size(); ++k) {
                check_interrupted();
                const std::size_t c = (static_cast<std::size_t>(i) + k) % commands.size();
                Run run = spawner_.run_in(scratch.fd(), commands[c].second);
                phase_ = "startup";
                record(commands[c].first, "-", i, run);
                if (!run.ok())
                    throw std::runtime_error(commands[c].first + " failed: " + run.describe());
                startup_[c].first = commands[c].first;
                startup_[c].second.add(run);
            }
        method_rss_kib_ = startup_[0].second.max_rss_kib;
    }

    std::string startup_report() const {
        Table table(
            {"process", "runs", "wall median ms", "wall p95 ms", "CPU median ms", "peak RSS KiB"});
        for (const auto& [name, s] : startup_)
            table.add({name, std::to_string(s.wall_ms.size()), ms(s.wall_median()),
                       ms(s.wall_p95()), ms(s.cpu_median()), std::to_string(s.max_rss_kib)});
        return "## Process start-up (no kernel work)\n\nWhat every call pays before doing "
               "anything: the first row is the method's own floor (fork, exec, wait4).\n\n" +
               table.render();
    }

    // ---- report ----

    static void print(const std::string& text) {
        std::cout << text << std::endl;  // each section as soon as it is complete
    }

    std::string header() const {
        std::ostringstream out;
        const std::time_t now = std::time(nullptr);
        char date[32];
        std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
        out << "# nsveth benchmark (" << date << ")\n\n"
            << "- Machine: " << machine_description() << "\n"
            << "- nsveth: `" << options_.nsveth << "`"
            << (options_.nsveth_label.empty() ? "" : " (" + options_.nsveth_label + ")") << "\n";
        if (have_reference_)
            out << "- reference: `" << options_.reference_dir << "/ptp` with host-local"
                << (options_.reference_label.empty() ? "" : " (" + options_.reference_label + ")")
                << "\n";
        else
            out << "- reference: not measured (no ptp and host-local in `" << options_.reference_dir
                << "`)\n";
        out << "- floor: `" << options_.floor
            << "`, one process doing only the kernel work of nsveth's ADD (veth with the peer "
               "created in the pod, sysctls, addresses, links up, routes), CHECK (read the same "
               "links, addresses and routes back) or DEL (delete the veth), with libmnl: see "
               "tests/bench/cni_floor.cc\n"
            << "- Method: every call is a fresh process, executed as a runtime executes a plugin "
               "(CNI_* environment, configuration on stdin, prevResult in CHECK and DEL) inside a "
               "throwaway \"host\" network namespace. Pods are fresh namespaces created beforehand "
               "(not timed); CNI_NETNS is /proc/<bench pid>/fd/<n>, an nsfs file like "
               "/var/run/netns/<name>. Network 10.88.0.0/16 (+ fd00:88::/64 in dual-stack), a "
               "default route per family, cniVersion 1.0.0, IPAM state (both plugins') in `"
            << workdir_ << "` (" << file_system_of(workdir_) << ").\n"
            << "- wall: CLOCK_MONOTONIC from fork() to the return of wait4(); CPU: ru_utime + "
               "ru_stime; RSS: ru_maxrss — from wait4(), so they include the processes the child "
               "waited for (host-local under ptp; RSS is then the largest one). Children are "
               "forked from a small static helper (cni_spawn), since ru_maxrss includes the "
               "parent's copy up to execve(): a static program that exits at once measures "
            << method_rss_kib_
            << " KiB. Medians and p95 by nearest rank. Subjects are interleaved, each following "
               "each other one equally often (a DEL right after the reference's cycle is faster); "
            << options_.warmup
            << " warm-up cycles per series are not counted. Each phase starts once the kernel "
               "has finished destroying the previous phase's namespaces. Each DEL follows an "
               "untimed pause of random length (0-20 ms), so that it starts at a random phase of "
               "the kernel's timer tick, which its RCU waits advance on. "
            << "Children run with " << scheduling_ << ".\n";
        return out.str();
    }

    const Samples* cycle_samples(Kind kind, Stack stack, Verb verb) const {
        auto series = cycles_.find({kind, stack});
        if (series == cycles_.end()) return nullptr;
        auto samples = series->second.find(verb);
        return samples == series->second.end() || samples->second.empty() ? nullptr
                                                                          : &samples->second;
    }

    double cycle_median(Kind kind, Stack stack, Verb verb, bool cpu = false) const {
        const Samples* samples = cycle_samples(kind, stack, verb);
        if (!samples) return -1;
        return cpu ? samples->cpu_median() : samples->wall_median();
    }

    std::string cycles_report() const {
        Table table({"subject", "stack", "verb", "cycles", "wall median ms", "wall p95 ms",
                     "CPU median ms", "CPU p95 ms", "peak RSS KiB"});
        bool short_reference = false;
        for (Stack stack : {Stack::kIpv4, Stack::kDualStack})
            for (Kind kind : kinds())
                for (Verb verb : {Verb::kAdd, Verb::kCheck, Verb::kDel}) {
                    const Samples* s = cycle_samples(kind, stack, verb);
                    if (!s) continue;
                    std::string count = std::to_string(s->wall_ms.size());
                    if (static_cast<int>(s->wall_ms.size()) < options_.cycles) {
                        count += " *";
                        short_reference = true;
                    }
                    table.add({kind_name(kind), stack_name(stack), verb_name(verb), count,
                               ms(s->wall_median()), ms(s->wall_p95()), ms(s->cpu_median()),
                               ms(s->cpu_p95()), std::to_string(s->max_rss_kib)});
                }
        std::string text = "## ADD, CHECK, DEL cycles\n\n" + table.render();
        if (short_reference)
            text +=
                "\n\\* fewer cycles: the reference's dual-stack ADD waits for IPv6 duplicate "
                "address detection (about 1.5 s per call).\n";

        Table ratios({"stack", "verb", "nsveth/reference wall", "nsveth/reference CPU",
                      "nsveth/reference RSS", "nsveth/floor wall", "nsveth/floor CPU",
                      "reference/floor wall"});
        for (Stack stack : {Stack::kIpv4, Stack::kDualStack})
            for (Verb verb : {Verb::kAdd, Verb::kCheck, Verb::kDel}) {
                auto median = [&](Kind kind, bool cpu) {
                    return cycle_median(kind, stack, verb, cpu);
                };
                const Samples* n = cycle_samples(Kind::kNsveth, stack, verb);
                const Samples* r = cycle_samples(Kind::kReference, stack, verb);
                ratios.add({stack_name(stack), verb_name(verb),
                            ratio(median(Kind::kNsveth, false), median(Kind::kReference, false)),
                            ratio(median(Kind::kNsveth, true), median(Kind::kReference, true)),
                            n && r ? ratio(static_cast<double>(n->max_rss_kib),
                                           static_cast<double>(r->max_rss_kib))
                                   : "n/a",
                            ratio(median(Kind::kNsveth, false), median(Kind::kFloor, false)),
                            ratio(median(Kind::kNsveth, true), median(Kind::kFloor, true)),
                            ratio(median(Kind::kReference, false), median(Kind::kFloor, false))});
            }
        return text + "\n### Ratios (medians of the table above)\n\n" + ratios.render();
    }

    const Samples* scale_samples(Kind kind, int level, Verb verb) const {
        auto found = scale_.find({kind, level});
        if (found == scale_.end() || found->second.first.empty()) return nullptr;
        return verb == Verb::kAdd ? &found->second.first : &found->second.second;
    }

    /// ADD(level) / ADD(lowest level) of `kind`, by medians; <= 0 when unknown.
    double scale_growth(Kind kind, int level, Verb verb) const {
        const Samples* base = scale_samples(kind, lowest_level(), verb);
        const Samples* at = scale_samples(kind, level, verb);
        if (!base || !at) return -1;
        return at->wall_median() / base->wall_median();
    }

    int lowest_level() const {
        return *std::min_element(options_.scale_levels.begin(), options_.scale_levels.end());
    }
    int highest_level() const {
        return *std::max_element(options_.scale_levels.begin(), options_.scale_levels.end());
    }

    std::string scale_report() const {
        const std::string low = std::to_string(lowest_level());
        Table table({"subject", "present", "samples", "ADD median ms", "ADD p95 ms",
                     "ADD CPU median ms", "DEL median ms", "DEL p95 ms", "ADD(n)/ADD(" + low + ")",
                     "DEL(n)/DEL(" + low + ")"});
        std::vector<int> levels = options_.scale_levels;
        std::sort(levels.begin(), levels.end());
        for (Kind kind : kinds())
            for (int level : levels) {
                const Samples* add = scale_samples(kind, level, Verb::kAdd);
                const Samples* del = scale_samples(kind, level, Verb::kDel);
                if (!add || !del) continue;
                auto growth = [](double value) { return value > 0 ? ratio(value, 1) : "n/a"; };
                table.add({kind_name(kind), std::to_string(level),
                           std::to_string(add->wall_ms.size()), ms(add->wall_median()),
                           ms(add->wall_p95()), ms(add->cpu_median()), ms(del->wall_median()),
                           ms(del->wall_p95()), growth(scale_growth(kind, level, Verb::kAdd)),
                           growth(scale_growth(kind, level, Verb::kDel))});
            }
        return "## Scale (IPv4): ADD and DEL with n attachments already present\n\n"
               "Each subject has its own host namespace, filled by its own ADDs (so its IPAM store "
               "holds n reservations too); each sample is an ADD of a new pod and its DEL, so the "
               "DEL runs with n + 1 present.\n\n" +
               table.render();
    }

    std::string storm_report() const {
        Table table({"subject", "pods", "ADD wall ms", "ADD calls median ms", "ADD failures",
                     "duplicate addresses", "veths after ADDs", "DEL wall ms",
                     "DEL calls median ms", "DEL failures", "veths left", "peak RSS KiB"});
        std::string errors;
        for (const auto& r : storm_) {
            table.add({kind_name(r.kind), std::to_string(r.pods), ms(r.add_wall),
                       ms(r.adds.wall_median()), std::to_string(r.add_failures),
                       r.duplicates < 0 ? "n/a" : std::to_string(r.duplicates),
                       std::to_string(r.veths_after_add), ms(r.del_wall), ms(r.dels.wall_median()),
                       std::to_string(r.del_failures), std::to_string(r.veths_left),
                       std::to_string(r.peak_rss_kib)});
            if (!r.first_error.empty())
                errors += std::string("- ") + kind_name(r.kind) +
                          ", first failure: " + r.first_error + "\n";
        }
        return "## Storm (dual-stack): " + std::to_string(options_.storm) +
               " ADDs started at once into as many pods, then as many DELs\n\n"
               "wall: from the moment all children may exec to the last wait4(); calls median: "
               "from that moment to each call's own wait4(). Duplicate addresses: among the "
               "results of the successful ADDs. veths: links in the host namespace.\n\n" +
               table.render() + (errors.empty() ? "" : "\n" + errors);
    }

    std::string targets_report() const {
        std::vector<std::string> lines;
        bool all_pass = true;
        auto verdict = [&](bool known, bool pass, const std::string& text) {
            if (!known) {
                lines.push_back("- SKIP " + text + " (not measured)");
                return;
            }
            all_pass = all_pass && pass;
            lines.push_back(std::string("- ") + (pass ? "PASS " : "FAIL ") + text);
        };
        auto against_floor = [&](Stack stack, Verb verb, double limit) {
            const double n = cycle_median(Kind::kNsveth, stack, verb);
            const double f = cycle_median(Kind::kFloor, stack, verb);
            char text[160];
            std::snprintf(text, sizeof text, "%s %s <= %.2f x floor: %s ms / %s ms = %s",
                          stack_name(stack), verb_name(verb), limit, ms(n).c_str(), ms(f).c_str(),
                          ratio(n, f).c_str());
            verdict(n > 0 && f > 0, n <= limit * f, text);
        };
        against_floor(Stack::kIpv4, Verb::kAdd, 1.25);
        against_floor(Stack::kDualStack, Verb::kAdd, 1.5);
        against_floor(Stack::kIpv4, Verb::kDel, 1.1);
        against_floor(Stack::kDualStack, Verb::kDel, 1.1);
        for (Stack stack : {Stack::kIpv4, Stack::kDualStack}) {
            const double check = cycle_median(Kind::kNsveth, stack, Verb::kCheck);
            const double floor = cycle_median(Kind::kFloor, stack, Verb::kCheck);
            verdict(check > 0, check <= 1.0,
                    std::string(stack_name(stack)) + " CHECK <= 1 ms: " + ms(check) + " ms" +
                        (floor > 0 ? " (the floor's reads of the same objects: " + ms(floor) +
                                         " ms, " + ratio(check, floor) + " x)"
                                   : ""));
        }
        verdict(nsveth_peak_rss_ > 0, nsveth_peak_rss_ <= 2048,
                "peak RSS <= 2 MiB (2048 KiB): " + std::to_string(nsveth_peak_rss_) +
                    " KiB, the largest ru_maxrss of all nsveth processes of this run");
        {
            const int low = lowest_level(), high = highest_level();
            const double n = scale_growth(Kind::kNsveth, high, Verb::kAdd);
            const double f = scale_growth(Kind::kFloor, high, Verb::kAdd);
            const std::string h = std::to_string(high), l = std::to_string(low);
            // The absolute growth too, for context: a ratio of ratios is noisy.
            auto added = [&](Kind kind) {
                const Samples* base = scale_samples(kind, low, Verb::kAdd);
                const Samples* at = scale_samples(kind, high, Verb::kAdd);
                char text[32];
                std::snprintf(text, sizeof text, "%+.2f ms",
                              base && at ? at->wall_median() - base->wall_median() : 0.0);
                return std::string(text);
            };
            verdict(n > 0 && f > 0 && high > low, n <= f,
                    "ADD with " + h +
                        " attachments present grows no more than the floor's: "
                        "nsveth ADD(" +
                        h + ")/ADD(" + l + ") = " + ratio(n, 1) + " (" + added(Kind::kNsveth) +
                        ") <= floor ADD(" + h + ")/ADD(" + l + ") = " + ratio(f, 1) + " (" +
                        added(Kind::kFloor) + "); IPv4, scale medians");
        }
        for (const auto& r : storm_) {
            if (r.kind != Kind::kNsveth) continue;
            verdict(true,
                    r.add_failures == 0 && r.del_failures == 0 && r.duplicates == 0 &&
                        r.veths_left == 0,
                    "storm: " + std::to_string(r.add_failures + r.del_failures) + " failures, " +
                        std::to_string(r.duplicates) + " duplicate addresses, " +
                        std::to_string(r.veths_left) + " veths left (all must be 0)");
        }
        std::string text = "## Targets (nsveth, medians of wall time, this run)\n\n";
        for (const auto& line : lines) text += line + "\n";
        text += all_pass ? "\nAll targets PASS.\n" : "\nSome targets FAIL.\n";
        const Samples* floor_del = cycle_samples(Kind::kFloor, Stack::kIpv4, Verb::kDel);
        if (floor_del)
            text +=
                "\nDEL's wall time is mostly the kernel waiting while it unregisters the veth "
                "(RCU grace periods): the floor's DEL uses " +
                ms(floor_del->cpu_median()) + " ms of CPU in " + ms(floor_del->wall_median()) +
                " ms; the rest comes in steps of a timer tick. The CPU ratios above show "
                "nsveth's own share.\n";
        return text;
    }

    Options options_;
    std::string workdir_;
    Spawner& spawner_;
    std::string scheduling_;
    std::ofstream samples_;
    std::string phase_;
    std::minstd_rand phase_random_{20261129};  // fixed seed: the same pauses in every run
    bool have_reference_ = false;
    long method_rss_kib_ = 0;
    std::vector<std::pair<std::string, Samples>> startup_;
    MachineCpu start_cpu_;
    double start_own_cpu_s_ = 0;
    std::chrono::steady_clock::time_point start_time_;
    std::map<std::pair<Kind, Stack>, std::map<Verb, Samples>> cycles_;
    std::map<std::pair<Kind, int>, std::pair<Samples, Samples>> scale_;  // ADD, DEL
    std::vector<StormResult> storm_;
    long nsveth_peak_rss_ = 0;
};

/// The work directory: the one given (kept), or a new one under /run with a tmpfs of its own,
/// removed at exit. /run is a tmpfs on a systemd host, but not on every machine this runs on:
/// on ext4 without a journal (this project's VM), the inode allocator skips every inode freed in
/// the last minutes, so each file an ADD creates costs more the more files were removed before
/// (up to 0.9 ms each after a test run), and the figures would measure the disk's history. The
/// tmpfs is mounted in a mount namespace of this process and the children it starts, so it goes
/// away with them whatever happens; --workdir keeps another file system measurable.
class WorkDir {
  public:
    explicit WorkDir(const std::string& given) : path_(given), owned_(given.empty()) {
        if (!owned_) return;
        std::string pattern = "/run/nsveth-bench-XXXXXX";
        if (!mkdtemp(pattern.data()))
            throw std::system_error(errno, std::generic_category(), "mkdtemp in /run");
        path_ = pattern;
        if (unshare(CLONE_NEWNS) < 0 ||
            mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0 ||
            mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
            progress(std::string("no tmpfs for the IPAM state (") + std::strerror(errno) +
                     "); it stays on the file system of /run");
    }
    ~WorkDir() {
        if (!owned_) return;
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
        umount2(path_.c_str(), MNT_DETACH);
        ::rmdir(path_.c_str());
    }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    bool owned_;
};

/// Room for every namespace descriptor of the largest phase. The helper, started before, and
/// the children it forks keep the old limit.
void raise_nofile_limit(const Options& options) {
    const rlim_t needed = static_cast<rlim_t>(
        3 * (options.cycles + options.warmup +
             *std::max_element(options.scale_levels.begin(), options.scale_levels.end()) +
             options.scale_samples) +
        options.storm * 4 + 256);
    rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) < 0 || limit.rlim_cur >= needed) return;
    limit.rlim_cur = std::min(needed, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
}

Options parse_options(int argc, char** argv) {
    cxxopts::Options parser("cni_bench",
                            "Measures nsveth against the reference plugins and the kernel floor "
                            "(run as root; usually through scripts/bench.sh)");
    Options o;
    std::string levels;
    // clang-format off
    parser.add_options()
        ("nsveth", "the nsveth binary to measure", cxxopts::value(o.nsveth))
        ("nsveth-cni-path", "CNI_PATH for nsveth (default: its directory)",
         cxxopts::value(o.nsveth_cni_path))
        ("nsveth-label", "text printed after nsveth's path", cxxopts::value(o.nsveth_label))
        ("floor", "the cni_floor binary (default: next to cni_bench)", cxxopts::value(o.floor))
        ("spawner", "the cni_spawn binary (default: next to cni_bench)",
         cxxopts::value(o.spawner))
        ("reference-dir", "where ptp and host-local are",
         cxxopts::value(o.reference_dir)->default_value("/usr/lib/cni"))
        ("reference-label", "text printed after the reference's path",
         cxxopts::value(o.reference_label))
        ("no-reference", "leave the reference plugins out")
        ("cycles", "ADD/CHECK/DEL cycles per subject and stack",
         cxxopts::value(o.cycles)->default_value("200"))
        ("reference-dual-cycles", "cycles of the reference in dual-stack (it waits for DAD)",
         cxxopts::value(o.reference_dual_cycles)->default_value("10"))
        ("warmup", "uncounted cycles per series", cxxopts::value(o.warmup)->default_value("3"))
        ("scale-levels", "attachments present, comma-separated",
         cxxopts::value(levels)->default_value("0,100,1000"))
        ("scale-samples", "ADD+DEL samples per level and subject",
         cxxopts::value(o.scale_samples)->default_value("100"))
        ("storm", "ADDs started at once", cxxopts::value(o.storm)->default_value("64"))
        ("startup-runs", "runs of each start-up row",
         cxxopts::value(o.startup_runs)->default_value("100"))
        ("scheduling", "of the children: rr (SCHED_RR 1), nice (-20) or normal",
         cxxopts::value(o.scheduling)->default_value("rr"))
        ("workdir", "directory for IPAM state (default: a temp dir in /run on a tmpfs of its own, "
                    "removed at exit)",
         cxxopts::value(o.workdir))
        ("samples", "also write every call's figures to this CSV file",
         cxxopts::value(o.samples))
        ("h,help", "this text");
    // clang-format on
    auto parsed = parser.parse(argc, argv);
    if (parsed.count("help")) {
        std::cout << parser.help() << std::endl;
        std::exit(0);
    }
    o.reference = !parsed.count("no-reference");
    if (o.nsveth.empty()) throw std::invalid_argument("--nsveth is required (see --help)");
    const auto here = std::filesystem::read_symlink("/proc/self/exe").parent_path();
    if (o.floor.empty()) o.floor = (here / "cni_floor").string();
    if (o.spawner.empty()) o.spawner = (here / "cni_spawn").string();
    for (const std::string* binary : {&o.nsveth, &o.floor, &o.spawner})
        if (access(binary->c_str(), X_OK) != 0)
            throw std::invalid_argument(*binary + " is not an executable");
    o.nsveth = std::filesystem::absolute(o.nsveth).string();
    o.floor = std::filesystem::absolute(o.floor).string();
    o.spawner = std::filesystem::absolute(o.spawner).string();
    if (o.nsveth_cni_path.empty())
        o.nsveth_cni_path = std::filesystem::path(o.nsveth).parent_path().string();
    o.scale_levels.clear();
    std::stringstream list(levels);
    for (std::string item; std::getline(list, item, ',');)
        o.scale_levels.push_back(std::stoi(item));
    if (o.scale_levels.empty() || o.cycles < 1 || o.scale_samples < 1 || o.storm < 1 ||
        o.warmup < 0 || o.reference_dual_cycles < 1 || o.startup_runs < 1 ||
        (o.scheduling != "rr" && o.scheduling != "nice" && o.scheduling != "normal"))
        throw std::invalid_argument(
            "counts must be positive, --scale-levels not empty, --scheduling rr, nice or normal");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options options = parse_options(argc, argv);
        struct sigaction action {};
        action.sa_handler = on_signal;  // no SA_RESTART: the loops notice at once
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
        sigaction(SIGHUP, &action, nullptr);
        signal(SIGPIPE, SIG_IGN);
        WorkDir workdir(options.workdir);
        Spawner spawner(options.spawner);
        const std::string scheduling =
            apply_scheduling(options.scheduling, spawner.pid(), progress);
        raise_nofile_limit(options);
        Bench bench(options, workdir.path(), spawner, scheduling);
        bench.run();
        spawner.stop();  // its CPU time and its children's now count as the bench's
        std::cout << bench.load() << std::endl;
        return 0;
    } catch (const Interrupted&) {
        progress("interrupted; everything it created is gone");
        return 130;
    } catch (const std::exception& error) {
        progress(std::string("error: ") + error.what());
        return 1;
    }
}

}  // namespace nsveth::bench

int main(int argc, char** argv) { return nsveth::bench::main(argc, argv); }
