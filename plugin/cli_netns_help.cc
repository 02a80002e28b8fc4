// One table holds each command's usage, description and examples; the overview and the
// per-command help are both printed from it, so they cannot drift apart.
#include "plugin/cli_netns_help.h"

#include <array>

#include "plugin/cli_help.h"

namespace nsveth {

namespace {

// No netns command takes options, so every entry's options field is empty.
constexpr std::array<CommandHelp, 10> kCommands{{
    {"list", "nsveth netns list",
     "Lists the named network namespaces (the entries of /var/run/netns), adding \" (id: N)\"\n"
     "when the current namespace has assigned the namespace an nsid.",
     "", "  nsveth netns list\n"},
    {"add", "nsveth netns add NAME",
     "Creates a new network namespace and names it NAME (a bind mount on /var/run/netns/NAME).", "",
     "  nsveth netns add blue\n"},
    {"attach", "nsveth netns attach NAME PID",
     "Names the network namespace of process PID NAME, so that it outlives the process.", "",
     "  nsveth netns attach ctr1 4242\n"},
    {"set", "nsveth netns set NAME NETNSID",
     "Assigns an nsid to namespace NAME in the current namespace. NETNSID is \"auto\" (the\n"
     "kernel picks the lowest free id) or a number >= 0. An id, once assigned, cannot change.",
     "",
     "  nsveth netns set blue 7\n"
     "  nsveth netns set red auto\n"},
    {"delete", "nsveth netns [-all] delete [NAME]",
     "Removes the name NAME (lazy unmount, then unlink). The namespace itself goes away when no\n"
     "process or other mount keeps it. With -all, removes every name under /var/run/netns.",
     "",
     "  nsveth netns delete blue\n"
     "  nsveth netns -all delete\n"},
    {"identify", "nsveth netns identify [PID]",
     "Prints the names bound to the network namespace of process PID (default: nsveth itself),\n"
     "one per line.",
     "",
     "  nsveth netns identify\n"
     "  nsveth netns identify 4242\n"},
    {"pids", "nsveth netns pids NAME",
     "Prints the processes whose network namespace is NAME, one per line.", "",
     "  nsveth netns pids blue\n"},
    {"exec", "nsveth netns [-all] exec [NAME] CMD...",
     "Runs CMD inside namespace NAME with a private mount namespace: /sys describes NAME's\n"
     "interfaces and every file in /etc/netns/NAME/ is bound over its namesake in /etc/. Exits\n"
     "with CMD's status (128 + signal if it was killed). With -all, runs CMD in every named\n"
     "namespace in turn, each preceded by a \"netns: NAME\" line; exits 1 if any run failed.",
     "",
     "  nsveth netns exec blue ip addr\n"
     "  nsveth netns exec blue sh -c 'echo $$; sleep 60'\n"
     "  nsveth netns -all exec ip link set lo up\n"},
    {"monitor", "nsveth netns monitor",
     "Prints \"add NAME\" and \"delete NAME\" as names appear in and vanish from /var/run/netns.\n"
     "Runs until it is killed.",
     "", "  nsveth netns monitor\n"},
    {"list-id", "nsveth netns list-id [target-nsid NSID] [nsid NSID]",
     "Lists the nsids the current namespace has assigned, with the name bound to each peer.\n"
     "target-nsid lists the ids of the namespace the current one calls NSID instead (each line\n"
     "then adds the peer's id here as current-nsid); nsid shows a single id.",
     "",
     "  nsveth netns list-id\n"
     "  nsveth netns list-id target-nsid 7\n"
     "  nsveth netns list-id nsid 3\n"},
}};

}  // namespace

std::optional<std::string_view> netns_synopsis(std::string_view command) {
    const CommandHelp* help = find_command(kCommands, command);
    if (!help) return std::nullopt;
    return help->synopsis;
}

std::string netns_overview() {
    std::string text = "Usage: " + list_synopses(kCommands, "", "\n       ");
    text +=
        "nsveth netns help [COMMAND]\n"
        "NETNSID := auto | NSID    NSID := a number >= 0\n\n"
        "Named network namespaces, kept exactly as `ip netns` keeps them (bind mounts under\n"
        "/var/run/netns), so each tool sees the other's. Without a command, nsveth netns lists.\n"
        "Details and examples: nsveth netns help COMMAND (or nsveth netns COMMAND --help).\n";
    return text;
}

std::optional<std::string> netns_command_help(std::string_view command) {
    const CommandHelp* help = find_command(kCommands, command);
    if (!help) return std::nullopt;
    return format_command_help(*help);
}

}  // namespace nsveth
