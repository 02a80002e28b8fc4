// Nearest-rank quantiles and Markdown rendering.
#include "tests/bench/bench_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace nsveth::bench {

void Samples::add(const Run& run) {
    wall_ms.push_back(run.wall_ms);
    cpu_ms.push_back(run.cpu_ms);
    max_rss_kib = std::max(max_rss_kib, run.max_rss_kib);
}

double Samples::wall_median() const { return quantile(wall_ms, 0.5); }
double Samples::wall_p95() const { return quantile(wall_ms, 0.95); }
double Samples::cpu_median() const { return quantile(cpu_ms, 0.5); }
double Samples::cpu_p95() const { return quantile(cpu_ms, 0.95); }

double quantile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(rank, 1) - 1];
}

std::string ms(double value) {
    if (value < 0) return "n/a";
    char text[32];
    std::snprintf(text, sizeof text, value < 10 ? "%.3f" : value < 100 ? "%.2f" : "%.1f", value);
    return text;
}

std::string ratio(double numerator, double denominator) {
    if (numerator <= 0 || denominator <= 0) return "n/a";
    const double value = numerator / denominator;
    char text[32];
    std::snprintf(text, sizeof text, value < 0.1 ? "%.2g" : "%.2f", value);
    return text;
}

namespace {

bool is_number(const std::string& cell) {
    return !cell.empty() && (std::isdigit(static_cast<unsigned char>(cell[0])) || cell == "n/a");
}

}  // namespace

std::string Table::render() const {
    std::vector<std::size_t> widths(header_.size(), 3);
    auto widen = [&widths](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    };
    widen(header_);
    for (const auto& row : rows_) widen(row);

    auto line = [&](const std::vector<std::string>& row, bool align) {
        std::string text = "|";
        for (std::size_t i = 0; i < widths.size(); ++i) {
            const std::string cell = i < row.size() ? row[i] : "";
            const std::string pad(widths[i] - cell.size(), ' ');
            text += " " + (align && is_number(cell) ? pad + cell : cell + pad) + " |";
        }
        return text + "\n";
    };
    std::string text = line(header_, false) + "|";
    for (std::size_t i = 0; i < widths.size(); ++i) {
        // Right-align the columns whose first row holds a number.
        const bool numeric = !rows_.empty() && i < rows_[0].size() && is_number(rows_[0][i]);
        text += numeric ? std::string(widths[i] + 1, '-') + ":|"
                        : std::string(widths[i] + 2, '-') + "|";
    }
    text += "\n";
    for (const auto& row : rows_) text += line(row, true);
    return text;
}

}  // namespace nsveth::bench
