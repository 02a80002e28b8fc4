// `nsveth add|check|del`: one attachment of a namespace to a network, run plugin by plugin as
// libcni runs a list, with the result cached in libcni's layout between the commands.
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/error.h"
#include "netns/link.h"
#include "plugin/attachment.h"
#include "plugin/chain.h"
#include "plugin/cli_setup_commands.h"
#include "plugin/result_cache.h"
#include "plugin/version.h"

namespace nsveth::setup {

namespace {

using nlohmann::json;

struct Request {
    NetworkList list;
    AttachmentOptions attachment;
    std::string cache;
    bool human = false;
    ChainContext context;
};

/// Everything the three commands check before running anything; throws UsageError.
Request parse_request(Args args, FdWriter& log) {
    cxxopts::Options options("nsveth");
    add_attachment_options(options);
    const auto parsed = parse_options(options, args);
    NetworkList list = require_network_list(parsed);
    AttachmentOptions attachment = require_attachment(parsed);
    return Request{std::move(list), std::move(attachment), cache_dir_option(parsed),
                   parsed.count("human") > 0, chain_context(parsed, log)};
}

/// The CNI_ARGS and capability arguments ADD was given, where the command line repeats none.
void fill_from_cache(AttachmentOptions& attachment, const CachedAttachment& cached) {
    if (!attachment.given_args) attachment.params.cni_args = cached.params.cni_args;
    if (!attachment.given_cap_args)
        attachment.params.capability_args = cached.params.capability_args;
}

/// The cached entry of this attachment; nullopt when there is none or it is unreadable (then,
/// as libcni does on DEL, carry on without it and say so).
std::optional<CachedAttachment> cached_entry(const Request& request, Io& io) {
    const AttachmentParams& params = request.attachment.params;
    try {
        return read_cached_attachment(request.cache, request.list.name, params.container_id,
                                      params.ifname);
    } catch (const std::exception& error) {
        io.err << "nsveth: ignoring " << error.what() << '\n';
        return std::nullopt;
    }
}

/// The entry of `params`'s attachment (container ID, ifname) in `entries`, on any network.
const CachedAttachment* find_entry(const std::vector<CachedAttachment>& entries,
                                   const AttachmentParams& params) {
    for (const auto& entry : entries)
        if (entry.params.container_id == params.container_id &&
            entry.params.ifname == params.ifname)
            return &entry;
    return nullptr;
}

std::string attachment_name(const Request& request) {
    return request.list.name + " " + request.attachment.params.container_id + "/" +
           request.attachment.params.ifname;
}

/// `object[key]` as text ("-" when absent or not a string), for the human table.
std::string text_field(const json& object, const char* key) {
    auto it = object.is_object() ? object.find(key) : object.end();
    return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty()
               ? it->get<std::string>()
               : "-";
}

/// ips[].interface, or -1 when absent or not an index.
int interface_index(const json& ip) {
    auto it = ip.is_object() ? ip.find("interface") : ip.end();
    return it != ip.end() && it->is_number_integer() ? it->get<int>() : -1;
}

/// The --human form of an ADD result: one row per address (interfaces without any get one row).
void print_human_result(FdWriter& out, const json& result) {
    std::vector<std::vector<std::string>> rows{{"INTERFACE", "ADDRESS", "GATEWAY", "SANDBOX"}};
    auto array = [&](const char* key) {
        auto it = result.find(key);
        return it != result.end() && it->is_array() ? *it : json::array();
    };
    const json interfaces = array("interfaces"), ips = array("ips");
    for (std::size_t i = 0; i < interfaces.size(); ++i) {
        const std::string sandbox = text_field(interfaces[i], "sandbox");
        auto row = [&](const std::string& address, const std::string& gateway) {
            rows.push_back({text_field(interfaces[i], "name"), address, gateway,
                            sandbox == "-" ? "- (host)" : sandbox});
        };
        bool listed = false;
        for (const auto& ip : ips) {
            if (interface_index(ip) != static_cast<int>(i)) continue;
            row(text_field(ip, "address"), text_field(ip, "gateway"));
            listed = true;
        }
        if (!listed) row("-", "-");
    }
    for (const auto& ip : ips) {
        const int index = interface_index(ip);
        if (index >= 0 && static_cast<std::size_t>(index) < interfaces.size()) continue;
        rows.push_back({"-", text_field(ip, "address"), text_field(ip, "gateway"), "-"});
    }
    print_table(out, rows);
}

}  // namespace

int add(Args args, Io& io) {
    Request request = parse_request(args, io.err);
    const AttachmentParams& params = request.attachment.params;
    // A second ADD of the same (container ID, ifname) would fail, and the DEL that rolls the
    // chain back would tear down the attachment that exists: refuse it before anything runs,
    // whether the cache knows it or only the kernel does (a lost cache entry).
    std::vector<SkippedCacheFile> skipped;
    const auto cached = list_cached_attachments(request.cache, &skipped);
    for (const auto& file : skipped) io.err << "nsveth add: ignoring " << file.reason << '\n';
    if (const CachedAttachment* entry = find_entry(cached, params)) {
        io.err << "nsveth add: " << params.container_id << "/" << params.ifname
               << " is already attached to network " << entry->network << " (cache entry "
               << cache_file_path(request.cache, entry->network, params.container_id,
                                  params.ifname)
               << "); run nsveth del first\n";
        return kExitFailure;
    }
    const std::string host_name = host_veth_name(params.container_id, params.ifname);
    NetlinkSocket host = NetlinkSocket::open("host");
    if (const auto link = find_link(host, host_name); link && is_host_veth(*link)) {
        io.err << "nsveth add: " << params.container_id << "/" << params.ifname
               << " is already attached: its host veth " << host_name
               << " exists (no cache entry in " << request.cache
               << "); run nsveth del with the network it belongs to first\n";
        return kExitFailure;
    }

    const ChainContext& context = request.context;
    const json result = add_network_list(request.list, params, context);
    try {
        write_cached_attachment(
            request.cache, CachedAttachment{request.list.name, params, request.list.bytes, result});
    } catch (const std::exception& error) {
        // Without its cache entry the attachment could not be checked or shown: undo it.
        for (const auto& failure : del_network_list(request.list, params, result, context))
            io.err << "nsveth add: rollback: " << failure << '\n';
        throw;
    }
    if (request.human)
        print_human_result(io.out, result);
    else
        io.out << result.dump(4) << '\n';
    return 0;
}

int check(Args args, Io& io) {
    Request request = parse_request(args, io.err);
    if (request.list.disable_check) {
        io.err << "nsveth check: network " << request.list.name
               << " sets disableCheck; nothing checked\n";
        return 0;
    }
    if (compare_versions(request.list.cni_version, "0.4.0") < 0)
        throw CniError(kIncompatibleVersion, "configuration version \"" + request.list.cni_version +
                                                 "\" does not support the CHECK command");
    const auto cached = read_cached_attachment(request.cache, request.list.name,
                                               request.attachment.params.container_id,
                                               request.attachment.params.ifname);
    if (!cached) {
        io.err << "nsveth check: no cached result for " << attachment_name(request) << " in "
               << request.cache << "/results (was it added with nsveth add?)\n";
        return kExitFailure;
    }
    fill_from_cache(request.attachment, *cached);
    check_network_list(request.list, request.attachment.params, cached->result, request.context);
    if (request.human) io.out << attachment_name(request) << ": CHECK passed\n";
    return 0;
}

int del(Args args, Io& io) {
    Request request = parse_request(args, io.err);
    const auto cached = cached_entry(request, io);
    // The host veth is named after (container ID, ifname) alone, so a DEL with another network's
    // configuration would tear down that network's attachment: refuse when the cache says so. A
    // cache that cannot be listed says nothing, and DEL goes ahead (best effort, as libcni).
    if (!cached) {
        std::vector<CachedAttachment> entries;
        try {
            entries = list_cached_attachments(request.cache);
        } catch (const std::exception& error) {
            io.err << "nsveth del: ignoring " << error.what() << '\n';
        }
        if (const CachedAttachment* entry = find_entry(entries, request.attachment.params)) {
            io.err << "nsveth del: " << entry->params.container_id << "/" << entry->params.ifname
                   << " is attached to network " << entry->network << ", not "
                   << request.list.name << "; give that network's --config\n";
            return kExitFailure;
        }
    }
    if (cached) fill_from_cache(request.attachment, *cached);
    const AttachmentParams& params = request.attachment.params;
    const auto failures = del_network_list(
        request.list, params, cached ? cached->result : json(nullptr), request.context);
    for (const auto& failure : failures) io.err << "nsveth del: " << failure << '\n';
    if (!failures.empty()) return kExitFailure;  // keep the entry: a later del can retry
    remove_cached_attachment(request.cache, request.list.name, params.container_id, params.ifname);
    if (request.human) io.out << attachment_name(request) << ": deleted\n";
    return 0;
}

}  // namespace nsveth::setup
