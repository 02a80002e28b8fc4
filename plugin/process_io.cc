// environ and stdin, read once at start-up; the document written with write(2), not iostreams.
#include "plugin/process_io.h"

#include <malloc.h>
#include <unistd.h>

#include "common/read_to_end.h"
#include "common/write_all.h"

extern char** environ;

namespace nsveth {

Environment read_environment(std::string_view prefix) {
    Environment env;
    for (char** entry = environ; *entry; ++entry) {
        std::string_view text(*entry);
        auto equals = text.find('=');
        if (equals != std::string_view::npos && text.substr(0, equals).starts_with(prefix))
            env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
    return env;
}

std::string read_stdin() {
    std::string input;
    if (isatty(STDIN_FILENO)) return input;
    // A failed read leaves what came before it, which then fails to decode as a configuration.
    read_to_end(STDIN_FILENO, input, FileKind::kStream, kMaxInputBytes);
    return input;
}

bool write_stdout(std::string_view text) { return write_all(STDOUT_FILENO, text); }

int run_plugin_process(const PluginCommands& commands, const Environment& env) {
    // The process lives for about a millisecond: handing freed heap back to the kernel (trim) and
    // growing the heap in small steps are system calls and page faults for nothing.
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 1 << 20);
    std::string out;
    const int status = run(commands, env, read_stdin(), out);
    return write_stdout(out) ? status : 1;
}

}  // namespace nsveth
