#pragma once

#include "models/apple_health_import.h"

// Other apps' CSV exports, recognised by their header: openScale's (a row per
// weigh-in: weight, body fat, body measurements, comment) and Google Fit's
// Takeout "Daily Summaries.csv" (a row per day: steps and average weight).
// Rows get name-based ids, so importing a file twice adds nothing.
namespace hale::imports {

enum class CsvSource { None, OpenScale, GoogleFit };

CsvSource recogniseCsv(const QByteArray &head);

Summary importAppCsv(LocalStore &store, const QByteArray &data);

} // namespace hale::imports
