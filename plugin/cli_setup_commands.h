// Internal to the manual-setup front end: what the dispatcher and option helpers (cli_setup.cc)
// share with the command handlers (cli_attach.cc, cli_show.cc, cli_network.cc). Handlers throw
// UsageError for bad input before anything runs; the dispatcher prints it as one line, exit 2.
#pragma once

#include <cxxopts.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/attachment_params.h"
#include "plugin/chain.h"
#include "plugin/conflist.h"
#include "plugin/fd_writer.h"

namespace nsveth::setup {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// The default CNI path when neither --cni-path nor $CNI_PATH says otherwise.
inline constexpr const char* kDefaultCniPath = "/opt/cni/bin:/usr/lib/cni";

struct Io {
    FdWriter& out;
    FdWriter& err;
};

using Args = std::span<const std::string>;

/// Bad input, found before anything ran; printed as "nsveth COMMAND: MESSAGE (usage: ...)",
/// without the usage part when `show_usage` is false (e.g. a malformed configuration file).
class UsageError : public std::runtime_error {
  public:
    explicit UsageError(const std::string& message, bool show_usage = true)
        : std::runtime_error(message), show_usage_(show_usage) {}
    bool show_usage() const { return show_usage_; }

  private:
    bool show_usage_;
};

/// Parses `args` with `options` (plus --help). Throws UsageError for an unknown option, a missing
/// value or a word that is no option's value.
cxxopts::ParseResult parse_options(cxxopts::Options& options, Args args);

/// Adds --config, --netns, --ifname, --container-id, --args, --cap-args, --cni-path,
/// --cache-dir and --human (the options add, check and del share).
void add_attachment_options(cxxopts::Options& options);

/// The value of a string option; empty when it was not given and has no default.
std::string option(const cxxopts::ParseResult& parsed, const std::string& name);

/// Loads --config. Throws UsageError when it is missing, unreadable or invalid.
NetworkList require_network_list(const cxxopts::ParseResult& parsed);

/// The attachment options checked: --netns (required; a valid name or an absolute path),
/// --ifname, --container-id (default derived from the namespace), --args and --cap-args.
/// `given_args`/`given_cap_args` tell whether those two were on the command line.
struct AttachmentOptions {
    AttachmentParams params;
    bool given_args = false;
    bool given_cap_args = false;
};
AttachmentOptions require_attachment(const cxxopts::ParseResult& parsed);

/// "nsveth-<name>" for a bare name or a path under /var/run/netns (or /run/netns); for any other
/// path, "nsveth-" and the path with every character a container ID may not hold as '-'.
std::string default_container_id(const std::string& netns);

/// The process environment and the CNI path (--cni-path, else $CNI_PATH, else the default).
ChainContext chain_context(const cxxopts::ParseResult& parsed, FdWriter& log);

/// The cache directory: --cache-dir, else $NSVETH_CACHE_DIR, else /var/lib/cni.
std::string cache_dir_option(const cxxopts::ParseResult& parsed);

/// Prints `rows` (the first is the header) as left-aligned columns two spaces apart.
void print_table(FdWriter& out, const std::vector<std::vector<std::string>>& rows);

/// Every element of result.ips[].address, and the names of result.interfaces without a sandbox.
std::vector<std::string> result_addresses(const nlohmann::json& result);
std::vector<std::string> result_host_interfaces(const nlohmann::json& result);

/// `items` joined with ",", or "-" when there are none.
std::string join_or_dash(const std::vector<std::string>& items);

int add(Args args, Io& io);
int check(Args args, Io& io);
int del(Args args, Io& io);
int show(Args args, Io& io);
int status(Args args, Io& io);
int gc(Args args, Io& io);

}  // namespace nsveth::setup
