// nsveth's main(): with CNI_COMMAND set, a CNI plugin (environment + stdin in, one JSON document
// out); without it, the command-line tool.
#include <unistd.h>

#include <iostream>
#include <string>

#include "plugin/cli.h"
#include "plugin/run.h"

extern char** environ;

namespace {

nsveth::Environment read_environment() {
    nsveth::Environment env;
    for (char** entry = environ; *entry; ++entry) {
        std::string_view text(*entry);
        auto equals = text.find('=');
        if (equals != std::string_view::npos)
            env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
    return env;
}

/// All of stdin; empty when stdin is closed or a terminal (VERSION needs none).
std::string read_stdin() {
    std::string input;
    if (isatty(STDIN_FILENO)) return input;
    char buffer[16384];
    ssize_t length;
    while ((length = ::read(STDIN_FILENO, buffer, sizeof buffer)) > 0)
        input.append(buffer, static_cast<std::size_t>(length));
    return input;
}

}  // namespace

int main(int argc, char** argv) {
    const nsveth::Environment env = read_environment();
    auto command = env.find("CNI_COMMAND");
    if (command == env.end() || command->second.empty()) return nsveth::run_cli(argc, argv);
    return nsveth::run(env, read_stdin(), std::cout);
}
