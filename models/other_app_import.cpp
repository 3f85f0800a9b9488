#include "models/other_app_import.h"

#include "models/app_csv_import.h"
#include "models/import_export.h"

#include <QCoreApplication>
#include <QFile>

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
    out.summary = importAppCsv(store, data);
    return out;
}

} // namespace hale::imports
