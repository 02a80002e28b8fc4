// A nesting limit for JSON that nsveth did not write itself. nlohmann parses any depth without
// recursion, but serialising a value (an error message quoting it, the configuration handed to a
// delegated plugin, the result cache) recurses once per level: 100,000 nested arrays exhaust the
// stack and the plugin would die without printing its error.
#pragma once

#include <string_view>

namespace nsveth {

/// Far deeper than any network configuration, far shallower than what exhausts the stack.
inline constexpr int kMaxJsonDepth = 1000;

/// True when `text`, read as JSON, has more than kMaxJsonDepth arrays and objects open at once.
/// Looks only at brackets outside strings, so it is cheap and never fails; whether the text is
/// valid JSON is for the parser to say.
bool nests_too_deep(std::string_view text);

}  // namespace nsveth
