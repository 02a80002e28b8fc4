// `nsveth status|gc`: the CNI 1.1 verbs that concern a whole network rather than one attachment,
// run as libcni's GetStatusNetworkList and GCNetworkList run them.
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <set>

#include "common/error.h"
#include "plugin/chain.h"
#include "plugin/cli_setup_commands.h"
#include "plugin/environment.h"
#include "plugin/result_cache.h"
#include "plugin/version.h"

namespace nsveth::setup {

namespace {

constexpr const char* kGcVersion = "1.1.0";  // STATUS and GC arrived with CNI 1.1.0

/// "CID/IFNAME" -> an attachment; throws UsageError.
GcAttachment parse_valid(const std::string& text) {
    const auto slash = text.find('/');
    GcAttachment attachment;
    if (slash != std::string::npos) {
        attachment.container_id = text.substr(0, slash);
        attachment.ifname = text.substr(slash + 1);
    }
    if (slash == std::string::npos || !is_valid_container_id(attachment.container_id) ||
        !is_valid_ifname(attachment.ifname))
        throw UsageError("invalid --valid \"" + text +
                         "\": expected CONTAINER-ID/IFNAME, e.g. nsveth-demo1/eth0");
    return attachment;
}

}  // namespace

int status(Args args, Io& io) {
    cxxopts::Options options("nsveth");
    options.add_options()("config", "", cxxopts::value<std::string>())(
        "cni-path", "", cxxopts::value<std::string>());
    const auto parsed = parse_options(options, args);
    const NetworkList list = require_network_list(parsed);
    if (compare_versions(list.cni_version, kGcVersion) < 0) {
        io.err << "nsveth status: network " << list.name << " has cniVersion \"" << list.cni_version
               << "\"; STATUS needs " << kGcVersion << ", so no plugin was asked\n";
        return 0;
    }
    status_network_list(list, chain_context(parsed, io.err));
    io.out << list.name << ": ready\n";
    return 0;
}

int gc(Args args, Io& io) {
    cxxopts::Options options("nsveth");
    options.add_options()("config", "", cxxopts::value<std::string>())(
        "valid", "", cxxopts::value<std::vector<std::string>>())("valid-none", "")(
        "cni-path", "", cxxopts::value<std::string>())("cache-dir", "",
                                                       cxxopts::value<std::string>());
    const auto parsed = parse_options(options, args);
    const NetworkList list = require_network_list(parsed);
    const bool explicit_valid = parsed.count("valid") > 0 || parsed.count("valid-none") > 0;
    if (parsed.count("valid") && parsed.count("valid-none"))
        throw UsageError("--valid and --valid-none exclude each other");
    std::set<GcAttachment> valid;
    if (parsed.count("valid"))
        for (const auto& text : parsed["valid"].as<std::vector<std::string>>())
            valid.insert(parse_valid(text));
    if (list.disable_gc) {
        io.err << "nsveth gc: network " << list.name << " sets disableGC; nothing collected\n";
        return 0;
    }
    const std::string dir = cache_dir_option(parsed);
    const ChainContext context = chain_context(parsed, io.err);
    // Without --valid the cache says what is valid; a cache that is not there (a mistyped
    // --cache-dir, a dropped $NSVETH_CACHE_DIR) would make every attachment stale.
    if (!explicit_valid && access((dir + "/results").c_str(), F_OK) != 0)
        throw UsageError("no result cache in " + dir + " (" + dir +
                         "/results is missing): give --cache-dir, or --valid / --valid-none");

    std::vector<CachedAttachment> cached;
    std::vector<SkippedCacheFile> skipped;
    for (auto& entry : list_cached_attachments(dir, &skipped))
        if (entry.network == list.name) cached.push_back(std::move(entry));
    // An unreadable entry of this network (libcni names them "<network>-...") may be a live
    // attachment: without --valid, GC would release it. Others' are only noted.
    for (const auto& file : skipped) {
        if (!explicit_valid && file.name.starts_with(list.name + "-"))
            throw UsageError("cannot tell what is valid: " + file.reason +
                             "; remove or repair it, or give --valid / --valid-none");
        io.err << "nsveth gc: ignoring " << file.reason << '\n';
    }
    if (!explicit_valid)
        for (const auto& entry : cached)
            valid.insert({entry.params.container_id, entry.params.ifname});

    std::vector<std::string> failures;
    // First DEL every cached attachment that is not valid, with the arguments ADD was given.
    for (const auto& entry : cached) {
        const GcAttachment key{entry.params.container_id, entry.params.ifname};
        if (valid.count(key)) continue;
        const auto errors = del_network_list(list, entry.params, entry.result, context);
        for (const auto& error : errors)
            failures.push_back("delete stale attachment " + key.container_id + "/" + key.ifname +
                               ": " + error);
        if (errors.empty()) {
            remove_cached_attachment(dir, list.name, key.container_id, key.ifname);
            io.out << "deleted stale attachment " << key.container_id << "/" << key.ifname << '\n';
        }
    }
    // Then GC, which only CNI 1.1 plugins understand (libcni skips it for older configurations).
    if (compare_versions(list.cni_version, kGcVersion) >= 0) {
        const auto errors =
            gc_network_list(list, std::vector<GcAttachment>(valid.begin(), valid.end()), context);
        failures.insert(failures.end(), errors.begin(), errors.end());
    } else {
        io.err << "nsveth gc: network " << list.name << " has cniVersion \"" << list.cni_version
               << "\"; GC needs " << kGcVersion << ", so only stale cache entries were deleted\n";
    }
    for (const auto& failure : failures) io.err << "nsveth gc: " << failure << '\n';
    return failures.empty() ? 0 : kExitFailure;
}

}  // namespace nsveth::setup
