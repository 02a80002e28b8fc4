// `nsveth show`: every attachment in the result cache, with a CHECK run for each exactly as
// `nsveth check` runs it (cached configuration, namespace and arguments), its chatter silenced.
#include <fcntl.h>
#include <unistd.h>

#include <exception>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/fd.h"
#include "plugin/chain.h"
#include "plugin/cli_setup_commands.h"
#include "plugin/fd_writer.h"
#include "plugin/result_cache.h"
#include "plugin/version.h"

namespace nsveth::setup {

namespace {

using nlohmann::json;

/// Points file descriptor 2 at /dev/null for one scope, so neither nsveth's in-process logs nor
/// an executed plugin's stderr reach the user; the CHECK verdict carries the message instead.
class QuietStderr {
  public:
    explicit QuietStderr(FdWriter& err)
        : err_(err), saved_(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0)) {
        err_.flush();
        Fd null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
        if (saved_ && null) ::dup2(null.get(), STDERR_FILENO);
    }
    ~QuietStderr() {
        err_.flush();
        if (saved_) ::dup2(saved_.get(), STDERR_FILENO);
    }
    QuietStderr(const QuietStderr&) = delete;
    QuietStderr& operator=(const QuietStderr&) = delete;

  private:
    FdWriter& err_;
    Fd saved_;
};

struct Verdict {
    bool passed = false;
    std::string text;  // "ok", "skipped (...)", or the failure
};

Verdict check_entry(const CachedAttachment& entry, const ChainContext& context,
                    FdWriter& err) {
    NetworkList list;
    try {
        list = parse_network_list(entry.config);
    } catch (const std::exception& error) {
        return {false, std::string("cached configuration: ") + error.what()};
    }
    if (list.disable_check) return {true, "skipped (disableCheck)"};
    if (compare_versions(list.cni_version, "0.4.0") < 0)
        return {true, "skipped (cniVersion " + list.cni_version + " has no CHECK)"};
    try {
        QuietStderr quiet(err);
        check_network_list(list, entry.params, entry.result, context);
        return {true, "ok"};
    } catch (const std::exception& error) {
        return {false, error.what()};
    }
}

}  // namespace

int show(Args args, Io& io) {
    cxxopts::Options options("nsveth");
    options.add_options()("cache-dir", "", cxxopts::value<std::string>())(
        "cni-path", "", cxxopts::value<std::string>())("json", "");
    const auto parsed = parse_options(options, args);
    const std::string dir = cache_dir_option(parsed);
    const ChainContext context = chain_context(parsed, io.err);

    json listing = json::array();
    std::vector<std::vector<std::string>> rows{
        {"NETWORK", "CONTAINER", "IFNAME", "NETNS", "ADDRESSES", "HOST-VETH", "CHECK"}};
    std::vector<SkippedCacheFile> skipped;
    const auto entries = list_cached_attachments(dir, &skipped);
    for (const auto& file : skipped) io.err << "nsveth show: ignoring " << file.reason << '\n';
    for (const auto& entry : entries) {
        const Verdict verdict = check_entry(entry, context, io.err);
        const auto addresses = result_addresses(entry.result);
        const auto host = result_host_interfaces(entry.result);
        listing.push_back({{"network", entry.network},
                           {"containerId", entry.params.container_id},
                           {"ifName", entry.params.ifname},
                           {"netns", entry.params.netns},
                           {"addresses", addresses},
                           {"hostVeth", host},
                           {"check", {{"passed", verdict.passed}, {"message", verdict.text}}}});
        rows.push_back({entry.network, entry.params.container_id, entry.params.ifname,
                        entry.params.netns.empty() ? "-" : entry.params.netns,
                        join_or_dash(addresses), join_or_dash(host),
                        verdict.passed ? verdict.text : "FAILED: " + verdict.text});
    }
    if (parsed.count("json"))
        io.out << listing.dump(4) << '\n';
    else
        print_table(io.out, rows);
    return 0;
}

}  // namespace nsveth::setup
