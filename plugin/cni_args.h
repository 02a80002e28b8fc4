// CNI_ARGS, the runtime's "K=V;K=V" string (CONVENTIONS.md). Kubernetes runtimes always send
// their K8S_POD_* keys with IgnoreUnknown=1; any other unknown key is refused unless
// IgnoreUnknown is set, and so is a pair that is not exactly one key and one value.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace nsveth {

struct CniArgs {
    std::map<std::string, std::string, std::less<>> values;  // every pair, known or not
    /// The value of `key`, or empty.
    std::string get(std::string_view key) const;
};

/// Parses CNI_ARGS. Throws CniError(kInvalidEnvironment) naming the pair for a malformed pair
/// ("FOO", "=x", "a=b=c") or an unknown key without IgnoreUnknown=1|true|True.
CniArgs parse_cni_args(std::string_view text);

}  // namespace nsveth
