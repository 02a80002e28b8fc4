// One table holds each manual-setup command's usage, description, options and examples; the
// overview and the per-command help are both printed from it, so they cannot drift apart.
#include "plugin/cli_setup_help.h"

#include <array>

#include "plugin/cli_help.h"

namespace nsveth {

namespace {

constexpr std::string_view kAttachmentOptions =
    "  --config FILE         a .conflist (an object with \"plugins\") or a single-plugin .conf\n"
    "  --netns NAME|PATH     a name under /var/run/netns (the nsveth plugin creates it when it is\n"
    "                        missing, so list nsveth first then, and DEL removes it again;\n"
    "                        /var/run/netns/NAME and /run/netns/NAME mean NAME) or an absolute\n"
    "                        path such as /proc/PID/ns/net\n"
    "  --ifname NAME         interface inside the namespace (default eth0)\n"
    "  --container-id ID     attachment owner (default nsveth-<namespace name>)\n"
    "  --args 'K=V;...'      CNI_ARGS (check/del: default the ones ADD was given)\n"
    "  --cap-args JSON       capability arguments, e.g. '{\"portMappings\": [...]}'; each plugin\n"
    "                        gets those its \"capabilities\" declare as runtimeConfig\n"
    "                        (check/del: default the ones ADD was given)\n"
    "  --cni-path DIRS       where other plugin types are found (default $CNI_PATH, else\n"
    "                        /opt/cni/bin:/usr/lib/cni); type \"nsveth\" always runs in-process\n"
    "  --cache-dir DIR       result cache (default $NSVETH_CACHE_DIR, else /var/lib/cni)\n"
    "  --human               a short table instead of JSON (add) or a confirmation line\n";

constexpr std::array<CommandHelp, 7> kCommands{{
    {"add", "nsveth add --config FILE --netns NAME|PATH [OPTIONS]",
     "Attaches the namespace to the network as a runtime does through libcni: ADD of every\n"
     "plugin in order, each given the previous plugin's result as prevResult. Prints the final\n"
     "result as JSON and caches it as <cache dir>/results/<network>-<container ID>-<ifname>\n"
     "(libcni's format), so check and del need only the same options. When a plugin fails, the\n"
     "plugins run so far get DEL in reverse order (nsveth itself undoes its own failed ADD) and\n"
     "nothing is cached. Refuses an attachment (container ID, ifname) that the cache already\n"
     "holds or whose host veth exists.",
     kAttachmentOptions,
     "  nsveth add --config conf/nsveth.conf --netns demo1\n"
     "  nsveth add --config conf/chain-tuning-portmap.conflist --netns demo2 --human \\\n"
     "      --cap-args '{\"portMappings\": [{\"hostPort\": 8080, \"containerPort\": 80, "
     "\"protocol\": \"tcp\"}]}'\n"},
    {"check", "nsveth check --config FILE --netns NAME|PATH [OPTIONS]",
     "CHECK of every plugin in order with the cached ADD result as prevResult. Prints nothing\n"
     "and exits 0 when the attachment is as ADD left it; otherwise names the first difference.\n"
     "A configuration with \"disableCheck\" is not checked.",
     kAttachmentOptions, "  nsveth check --config conf/nsveth.conf --netns demo1\n"},
    {"del", "nsveth del --config FILE --netns NAME|PATH [OPTIONS]",
     "DEL of every plugin in reverse order with the cached ADD result as prevResult. Keeps going\n"
     "when a plugin fails, reports every failure and keeps the cache entry then; on success the\n"
     "entry is removed. Repeating it is harmless. Refuses an attachment that the cache holds\n"
     "under another network.",
     kAttachmentOptions, "  nsveth del --config conf/nsveth.conf --netns demo1\n"},
    {"show", "nsveth show [--cache-dir DIR] [--cni-path DIRS] [--json]",
     "Lists every attachment in the result cache: network, container ID, ifname, namespace,\n"
     "addresses, host veth, and whether CHECK passes now (run as nsveth check runs it, with the\n"
     "cached configuration; the plugins' own messages are silenced).",
     "  --cache-dir DIR       result cache (default $NSVETH_CACHE_DIR, else /var/lib/cni)\n"
     "  --cni-path DIRS       where other plugin types are found\n"
     "  --json                a JSON array instead of the table\n",
     "  nsveth show\n"
     "  nsveth show --json\n"},
    {"status", "nsveth status --config FILE [--cni-path DIRS]",
     "STATUS (CNI 1.1) of every plugin in order: prints \"<network>: ready\", or the first\n"
     "plugin's error (code 50: cannot serve ADD; 51: existing attachments may be impaired) and\n"
     "exits 1. As with libcni, a configuration older than cniVersion 1.1.0 asks no plugin.",
     "  --config FILE         the network configuration\n"
     "  --cni-path DIRS       where other plugin types are found\n",
     "  nsveth status --config conf/nsveth.conf\n"},
    {"gc", "nsveth gc --config FILE [--valid CID/IFNAME ...] [--valid-none] [OPTIONS]",
     "Garbage collection as libcni's GCNetworkList does it: DEL (with the cached arguments) of\n"
     "every cached attachment of the network that is not valid, then GC (CNI 1.1) of every\n"
     "plugin with cni.dev/valid-attachments. Without --valid, the valid attachments are the\n"
     "cached ones, so GC releases only what no cache entry accounts for, and a missing cache\n"
     "is refused (every attachment would look stale). \"disableGC\" skips all.",
     "  --config FILE         the network configuration\n"
     "  --valid CID/IFNAME    an attachment to keep (repeat, or separate with commas)\n"
     "  --valid-none          keep nothing: every cached attachment and reservation goes\n"
     "  --cni-path DIRS       where other plugin types are found\n"
     "  --cache-dir DIR       result cache (default $NSVETH_CACHE_DIR, else /var/lib/cni)\n",
     "  nsveth gc --config conf/nsveth.conf\n"
     "  nsveth gc --config conf/nsveth.conf --valid nsveth-demo1/eth0\n"},
    {"version", "nsveth version",
     "Prints nsveth's version and the CNI protocol versions it speaks.", "", "  nsveth version\n"},
}};

}  // namespace

std::optional<std::string_view> setup_synopsis(std::string_view command) {
    const CommandHelp* help = find_command(kCommands, command);
    if (!help) return std::nullopt;
    return help->synopsis;
}

std::string setup_overview() { return list_synopses(kCommands, "  ", "\n"); }

std::optional<std::string> setup_command_help(std::string_view command) {
    const CommandHelp* help = find_command(kCommands, command);
    if (!help) return std::nullopt;
    return format_command_help(*help);
}

}  // namespace nsveth
