#pragma once

#include "models/imported_entries.h"

#include <functional>

// An export of another app, told apart by its content rather than its name:
// Apple Health's export.xml (streamed), openScale's CSV, Google Fit's daily
// activity metrics (the summary, or a day's file). The one entry point of File → Import from
// Another App… and `hale import`.
namespace hale::imports {

struct FileImport
{
    QString source; // "Apple Health", "openScale", "Google Fit"; empty: not one of them
    Summary summary;
};

// Imports `path` if it is one of those exports; `progress(done, total)` in
// thousandths, returning false to cancel (Apple Health only: the others are
// read whole, within ImportExport::kMaxImportBytes).
FileImport importOtherApp(LocalStore &store, const QString &path,
                          const std::function<bool(int, int)> &progress = {});

// Several files at once (a Takeout folder of days): each as importOtherApp,
// what they did added up, their apps named together ("Google Fit, openScale").
// A file that is not such an export is counted as skipped, by name, and one
// that cannot be read is named in the error; the others are imported all the
// same. `progress(done, total)` counts files (one file: as importOtherApp).
FileImport importOtherApps(LocalStore &store, const QStringList &paths,
                           const std::function<bool(int, int)> &progress = {});

} // namespace hale::imports
