#include "models/other_app_import.h"

#include "models/app_csv_import.h"
#include "models/import_export.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace hale::imports {

FileImport importOtherApp(LocalStore &store, const QString &path,
                          const std::function<bool(int, int)> &progress)
{
    FileImport out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.summary.error = QCoreApplication::translate("Import", "%1 cannot be read: %2")
                                .arg(path, file.errorString());
        return out;
    }
    const QByteArray head = file.peek(4096);
    if (looksLikeAppleHealth(head)) {
        out.source = QStringLiteral("Apple Health");
        out.summary = importAppleHealth(store, file, [&](qint64 done, qint64 total) {
            return !progress || total <= 0 || progress(int(done * 1000 / total), 1000);
        });
        return out;
    }
    const CsvSource csv = recogniseCsv(head);
    if (csv == CsvSource::None)
        return out;
    out.source =
        csv == CsvSource::OpenScale ? QStringLiteral("openScale") : QStringLiteral("Google Fit");
    file.close();
    QByteArray data;
    if (const ImportResult read = ImportExport::readImportFile(path, &data); !read.ok) {
        out.summary.error = read.message();
        return out;
    }
    // A Google Fit day's file says its day only in its name.
    out.summary = importAppCsv(store, data,
                               QDate::fromString(QFileInfo(path).completeBaseName(), Qt::ISODate));
    return out;
}

FileImport importOtherApps(LocalStore &store, const QStringList &paths,
                           const std::function<bool(int, int)> &progress)
{
    if (paths.size() == 1)
        return importOtherApp(store, paths.first(), progress);
    FileImport all;
    QStringList sources;
    QStringList unknown;
    QStringList errors;
    for (qsizetype i = 0; i < paths.size(); ++i) {
        if (progress && !progress(int(i), int(paths.size()))) {
            all.summary.cancelled = true;
            break;
        }
        const FileImport one = importOtherApp(store, paths.at(i));
        const QString name = QFileInfo(paths.at(i)).fileName();
        if (one.source.isEmpty() && one.summary.error.isEmpty()) {
            unknown << name;
            continue;
        }
        if (!one.source.isEmpty() && !sources.contains(one.source))
            sources << one.source;
        all.summary.added += one.summary.added;
        all.summary.alreadyThere += one.summary.alreadyThere;
        for (auto it = one.summary.skipped.cbegin(); it != one.summary.skipped.cend(); ++it)
            all.summary.skipped[it.key()] += it.value();
        if (!one.summary.error.isEmpty())
            errors << QStringLiteral("%1: %2").arg(name, one.summary.error);
    }
    if (progress && !all.summary.cancelled)
        progress(int(paths.size()), int(paths.size()));
    sources.sort(Qt::CaseInsensitive);
    all.source = sources.join(QStringLiteral(", "));
    if (!unknown.isEmpty())
        all.summary.skipped[QCoreApplication::translate(
                                "Import", "files that are not exports Hale reads (%1)")
                                .arg(unknown.join(QStringLiteral(", ")))] += int(unknown.size());
    all.summary.error = errors.join(QLatin1Char('\n'));
    return all;
}

} // namespace hale::imports
