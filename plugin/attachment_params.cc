// CNI_ARGS text <-> pairs for AttachmentParams.
#include "plugin/attachment_params.h"

#include "common/error.h"

namespace nsveth {

std::string join_cni_args(const CniArgPairs& pairs) {
    std::string text;
    for (const auto& [key, value] : pairs) text += (text.empty() ? "" : ";") + key + "=" + value;
    return text;
}

CniArgPairs split_cni_args(std::string_view text) {
    CniArgPairs pairs;
    while (!text.empty()) {
        const auto semicolon = text.find(';');
        const std::string_view pair = text.substr(0, semicolon);
        text =
            semicolon == std::string_view::npos ? std::string_view() : text.substr(semicolon + 1);
        const auto equals = pair.find('=');
        if (equals == 0 || equals == std::string_view::npos ||
            pair.find('=', equals + 1) != std::string_view::npos)
            throw CniError(kInvalidEnvironment, "invalid CNI argument \"" + std::string(pair) +
                                                    "\": expected KEY=VALUE");
        pairs.emplace_back(std::string(pair.substr(0, equals)),
                           std::string(pair.substr(equals + 1)));
    }
    return pairs;
}

}  // namespace nsveth
