// Running a network configuration list the way libcni runs one (api.go): ADD plugin by plugin, each
// given the previous plugin's result as prevResult; CHECK in order and DEL in reverse order, both
// given the final ADD result; STATUS and GC once per plugin without attachment variables. A plugin
// of type "nsveth" runs inside this process through run(); every other type is executed from the
// CNI path by exec_delegate. Everything runs in the calling thread's network namespace, which
// plays the host. Policy (disableCheck, disableGC, version gates, the cache) is the caller's;
// these functions only execute.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plugin/attachment_params.h"
#include "plugin/conflist.h"
#include "plugin/environment.h"
#include "plugin/fd_writer.h"

namespace nsveth {

/// The plugin type that runs in-process instead of being executed.
inline constexpr const char* kInProcessType = "nsveth";

struct ChainContext {
    Environment base_env;  // the process environment; the CNI_* variables are set over it
    std::string cni_path;  // ':'-separated directories searched for every other plugin type
    FdWriter& log;         // where a failed rollback step is reported (stderr)
};

/// One entry of cni.dev/valid-attachments.
struct GcAttachment {
    std::string container_id;
    std::string ifname;
    bool operator<(const GcAttachment& other) const {
        return container_id != other.container_id ? container_id < other.container_id
                                                  : ifname < other.ifname;
    }
};

/// ADD of every plugin in order; returns the last plugin's result. When a plugin fails, every
/// plugin invoked so far gets DEL in reverse order (the failed one too: a failed ADD may leave
/// something behind, and a runtime would send it DEL), with the last good result as prevResult;
/// a failed DEL is logged, and then CniError `plugin type="T" failed (add): ...` is thrown with the
/// plugin's code. A plugin type missing from the CNI path is never invoked, so it gets no DEL.
nlohmann::json add_network_list(const NetworkList& list, const AttachmentParams& params,
                                const ChainContext& context);

/// CHECK of every plugin in order with `prev_result`. Throws CniError
/// `plugin type="T" failed (check): ...` at the first failure.
void check_network_list(const NetworkList& list, const AttachmentParams& params,
                        const nlohmann::json& prev_result, const ChainContext& context);

/// DEL of every plugin in reverse order with `prev_result` (null: none; never sent for
/// configurations older than 0.4.0, as libcni). Keeps going after a failure and returns one
/// message per failed plugin (empty: all succeeded).
std::vector<std::string> del_network_list(const NetworkList& list, const AttachmentParams& params,
                                          const nlohmann::json& prev_result,
                                          const ChainContext& context);

/// STATUS of every plugin in order. Throws CniError `plugin type="T" failed (status): ...` with the
/// plugin's code (50, 51, ...) at the first failure.
void status_network_list(const NetworkList& list, const ChainContext& context);

/// GC of every plugin with cni.dev/valid-attachments (and the older cni.dev/attachments, as libcni
/// sends both) listing `valid`. Keeps going; returns one message per failed plugin.
std::vector<std::string> gc_network_list(const NetworkList& list,
                                         const std::vector<GcAttachment>& valid,
                                         const ChainContext& context);

}  // namespace nsveth
