// resolv.conf parsing: one keyword per line, words separated by blanks.
#include "plugin/resolv_conf.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace nsveth {

Dns parse_resolv_conf(const std::string& text) {
    Dns dns;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        line = line.substr(0, line.find_first_of("#;"));
        std::istringstream words(line);
        std::string keyword, word;
        if (!(words >> keyword)) continue;
        if (keyword == "nameserver") {
            if (words >> word) dns.nameservers.push_back(word);
        } else if (keyword == "domain") {
            if (words >> word) dns.domain = word;
        } else if (keyword == "search") {
            dns.search.clear();  // the last search line wins, as in the resolver
            while (words >> word) dns.search.push_back(word);
        } else if (keyword == "options") {
            while (words >> word) dns.options.push_back(word);
        }
    }
    return dns;
}

Dns read_resolv_conf(const std::string& path) {
    std::ifstream file(path);
    if (!file)
        throw CniError(kInvalidConfig, "ipam.resolvConf \"" + path + "\" cannot be read: " +
                                           std::strerror(errno));
    std::ostringstream text;
    text << file.rdbuf();
    return parse_resolv_conf(text.str());
}

}  // namespace nsveth
