// The identity of the running kernel, which the store records so that reservations never outlive
// the boot they were made in (ipam/README.md, "Reboots"). Internal to ipam/: not part of the
// library's interface.
#pragma once

#include <string>

namespace nsveth::ipam {

/// Where the kernel publishes a random id that is new on every boot.
inline constexpr const char* kKernelBootIdPath = "/proc/sys/kernel/random/boot_id";

/// The current boot id (the source file's content without surrounding whitespace).
/// Throws SystemError when the source cannot be read, CniError(kSystemFailure) when it is empty.
std::string current_boot_id();

/// TESTS ONLY: reads the boot id from `path` from now on (empty: back to kKernelBootIdPath), so a
/// test can simulate a reboot by rewriting that file. Not thread-safe; never called by nsveth.
void set_boot_id_source_for_testing(const std::string& path);

}  // namespace nsveth::ipam
