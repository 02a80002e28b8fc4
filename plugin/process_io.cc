// environ and stdin, read once at start-up.
#include "plugin/process_io.h"

#include <unistd.h>

extern char** environ;

namespace nsveth {

Environment read_environment() {
    Environment env;
    for (char** entry = environ; *entry; ++entry) {
        std::string_view text(*entry);
        auto equals = text.find('=');
        if (equals != std::string_view::npos)
            env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
    return env;
}

std::string read_stdin() {
    std::string input;
    if (isatty(STDIN_FILENO)) return input;
    char buffer[16384];
    ssize_t length;
    while ((length = ::read(STDIN_FILENO, buffer, sizeof buffer)) > 0)
        input.append(buffer, static_cast<std::size_t>(length));
    return input;
}

}  // namespace nsveth
