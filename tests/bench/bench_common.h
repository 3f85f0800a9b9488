#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <algorithm>
#include <cstdio>

namespace hale::bench {

// Summary of repeated timings, printed as one line a person can paste into
// docs/benchmarks.md.
inline void report(const char *what, QList<double> millis)
{
    if (millis.isEmpty())
        return;
    std::sort(millis.begin(), millis.end());
    auto at = [&](double q) {
        return millis.at(qsizetype(q * double(millis.size() - 1)));
    };
    double sum = 0;
    for (double m : millis)
        sum += m;
    std::printf("%-44s n=%-5lld mean=%8.3f ms  p50=%8.3f ms  p95=%8.3f ms  p99=%8.3f ms  "
                "max=%8.3f ms\n",
                what, static_cast<long long>(millis.size()), sum / double(millis.size()), at(0.5),
                at(0.95), at(0.99), millis.last());
    std::fflush(stdout);
}

inline double elapsedMs(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace hale::bench
