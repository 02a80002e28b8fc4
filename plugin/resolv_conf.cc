// resolv.conf parsing: one keyword per line, words separated by blanks.
#include "plugin/resolv_conf.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/fd.h"
#include "common/read_to_end.h"

namespace nsveth {

namespace {

/// The blank-separated words of `line` (blanks as the resolver's isspace() sees them).
std::vector<std::string> words_of(std::string_view line) {
    constexpr std::string_view kBlanks = " \t\v\f\r";
    std::vector<std::string> words;
    for (std::size_t start = line.find_first_not_of(kBlanks); start != std::string_view::npos;
         start = line.find_first_not_of(kBlanks, start)) {
        const std::size_t end = std::min(line.find_first_of(kBlanks, start), line.size());
        words.emplace_back(line.substr(start, end - start));
        start = end;
    }
    return words;
}

}  // namespace

Dns parse_resolv_conf(const std::string& text) {
    Dns dns;
    std::string_view rest(text);
    while (!rest.empty()) {
        const std::size_t end = std::min(rest.find('\n'), rest.size());
        std::string_view line = rest.substr(0, end);
        rest.remove_prefix(std::min(end + 1, rest.size()));
        line = line.substr(0, line.find_first_of("#;"));
        std::vector<std::string> words = words_of(line);
        if (words.empty()) continue;
        const std::string& keyword = words.front();
        if (keyword == "nameserver") {
            if (words.size() > 1) dns.nameservers.push_back(words[1]);
        } else if (keyword == "domain") {
            if (words.size() > 1) dns.domain = words[1];
        } else if (keyword == "search") {
            dns.search.assign(words.begin() + 1, words.end());  // the last search line wins
        } else if (keyword == "options") {
            dns.options.insert(dns.options.end(), words.begin() + 1, words.end());
        }
    }
    return dns;
}

Dns read_resolv_conf(const std::string& path) {
    const auto fail = [&path] {
        return CniError(kInvalidConfig,
                        "ipam.resolvConf \"" + path + "\" cannot be read: " + std::strerror(errno));
    };
    const Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::string text;
    // The path is the user's: it may name a pipe, so read until the end of the stream.
    if (!file || !read_to_end(file.get(), text, FileKind::kStream)) throw fail();
    return parse_resolv_conf(text);
}

}  // namespace nsveth
