// The netns commands about names and processes: add, attach, delete, identify, pids, exec,
// monitor. Argument checks come first and change nothing; the work is done by netns/.
#include <cerrno>

#include "common/error.h"
#include "netns/named_netns.h"
#include "netns/netns_exec.h"
#include "netns/netns_lookup.h"
#include "netns/netns_monitor.h"
#include "plugin/cli_netns_commands.h"

namespace nsveth::cli {

namespace {

constexpr const char* kNoName = "No netns name specified";

bool is_pid(std::string_view text) {
    auto pid = parse_count(text);
    return pid && *pid > 0;
}

void delete_or_throw(const std::string& name) {
    if (!delete_named_netns(name))
        throw SystemError(ENOENT,
                          "Cannot remove namespace file \"" + named_netns_path(name) + "\"");
}

}  // namespace

int add(Args args, Io& io) {
    if (args.empty()) return usage_error(io, kNoName);
    if (auto extra = refuse_extra(io, "add", args, 1)) return *extra;
    create_named_netns(args[0]);
    return 0;
}

int attach(Args args, Io& io) {
    if (args.size() < 2) return usage_error(io, "No netns name and PID specified");
    if (auto extra = refuse_extra(io, "attach", args, 2)) return *extra;
    if (!is_pid(args[1])) return usage_error(io, "Invalid PID: " + args[1]);
    attach_named_netns(args[0], *parse_count(args[1]));
    return 0;
}

int remove(Args args, Io& io) {
    if (args.empty()) return usage_error(io, kNoName);
    if (auto extra = refuse_extra(io, "delete", args, 1)) return *extra;
    delete_or_throw(args[0]);
    return 0;
}

int remove_all(Args args, Io& io) {
    if (auto extra = refuse_extra(io, "delete", args, 0)) return *extra;
    int status = 0;
    // Keep going past a failure so one stuck name does not keep the others alive.
    for (const auto& name : list_named_netns()) {
        try {
            delete_named_netns(name);  // already gone (a concurrent delete) is fine
        } catch (const SystemError& error) {
            io.err << error.what() << '\n';
            status = kExitFailure;
        }
    }
    return status;
}

int identify(Args args, Io& io) {
    if (auto extra = refuse_extra(io, "identify", args, 1)) return *extra;
    if (!args.empty() && !is_pid(args[0]))
        return usage_error(io, "Specified string '" + args[0] + "' is not a pid");
    const NetnsIdentity id = identity_of_process(args.empty() ? "self" : args[0]);
    for (const auto& name : names_of_netns(id)) io.out << name << '\n';
    return 0;
}

int pids(Args args, Io& io) {
    if (args.empty()) return usage_error(io, kNoName);
    if (auto extra = refuse_extra(io, "pids", args, 1)) return *extra;
    const Netns netns = open_named_netns(args[0]);
    for (int pid : pids_in_netns(identity_of(netns))) io.out << pid << '\n';
    return 0;
}

int exec(Args args, Io& io) {
    if (args.empty()) return usage_error(io, kNoName);
    if (args.size() < 2) return usage_error(io, "No command specified");
    io.out.flush();
    return exec_in_named_netns(args[0], {args.begin() + 1, args.end()});
}

int exec_all(Args args, Io& io) {
    if (args.empty()) return usage_error(io, "No command specified");
    const std::vector<std::string> command(args.begin(), args.end());
    int status = 0;
    for (const auto& name : list_named_netns()) {
        io.out << "\nnetns: " << name << '\n';
        io.out.flush();
        try {
            if (exec_in_named_netns(name, command) != 0) status = kExitFailure;
        } catch (const SystemError& error) {
            io.err << error.what() << '\n';
            status = kExitFailure;
        }
    }
    return status;
}

int monitor(Args args, Io& io) {
    if (auto extra = refuse_extra(io, "monitor", args, 0)) return *extra;
    monitor_named_netns([&io](const NetnsEvent& event) {
        io.out << (event.kind == NetnsEvent::Kind::kAdded ? "add " : "delete ") << event.name
               << '\n';
        return io.out.flush();  // each event as it happens, also into a pipe; stop when refused
    });
    return 0;
}

}  // namespace nsveth::cli
