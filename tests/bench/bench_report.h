// Samples and their summaries, and Markdown tables whose columns line up in a terminal.
#pragma once

#include <string>
#include <vector>

#include "tests/bench/bench_process.h"

namespace nsveth::bench {

/// The measurements of one verb in one series.
struct Samples {
    std::vector<double> wall_ms;
    std::vector<double> cpu_ms;
    long max_rss_kib = 0;

    void add(const Run& run);
    bool empty() const { return wall_ms.empty(); }
    double wall_median() const;
    double wall_p95() const;
    double cpu_median() const;
    double cpu_p95() const;
};

/// The p-quantile (0 < p <= 1) by the nearest-rank method; 0 for no samples.
double quantile(std::vector<double> values, double p);

/// "12.34" (milliseconds); "n/a" for a negative value.
std::string ms(double value);
/// "1.23"; "n/a" when either side is missing (<= 0).
std::string ratio(double numerator, double denominator);

class Table {
  public:
    explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    /// Markdown, each column padded to its widest cell; numbers right-aligned.
    std::string render() const;

  private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace nsveth::bench
