#pragma once

#include "models/apple_health_import.h"

// Other apps' CSV exports, recognised by their header: openScale's (a row per
// weigh-in: weight, body fat, body measurements, comment) and Google Fit's
// Takeout daily activity metrics: the summary ("Daily activity metrics.csv",
// a row per day: steps and average weight) and the files of single days
// ("2026-11-20.csv", a row per quarter hour), which add up to the same
// day's entry. Entries get name-based ids, so importing a file twice, or a
// day from both files, adds nothing.
namespace hale::imports {

enum class CsvSource { None, OpenScale, GoogleFit, GoogleFitDay };

CsvSource recogniseCsv(const QByteArray &head);

// `day` is the day a Google Fit day's file covers (its name says it).
Summary importAppCsv(LocalStore &store, const QByteArray &data, const QDate &day = {});

} // namespace hale::imports
