// Reading optional keys of runtime-supplied JSON: absent and null both mean "not given".
#pragma once

#include <nlohmann/json.hpp>

namespace nsveth {

/// The member `key` of `object`; nullptr when `object` is no object, or the key is absent or null.
inline const nlohmann::json* json_member(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto found = object.find(key);
    return found == object.end() || found->is_null() ? nullptr : &*found;
}

}  // namespace nsveth
