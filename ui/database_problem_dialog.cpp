#include "ui/database_problem_dialog.h"

#include "models/import_export.h"
#include "ui/file_dialogs.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>

namespace hale {

QString moveDatabaseAside(const QString &dataDir)
{
    const QString base = QDir(dataDir).filePath(QLatin1String(LocalStore::kFileName));
    const QString suffix = QStringLiteral(".damaged-") +
                           QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    for (const QString &extra : {QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        if (QFile::exists(base + extra))
            QFile::rename(base + extra, base + suffix + extra);
    }
    return QFile::rename(base, base + suffix) ? base + suffix : QString();
}

std::optional<QString> resolveDatabaseProblem(LocalStore &store, QString dataDir,
                                              LocalStore::OpenResult problem)
{
    while (!problem.ok()) {
        QMessageBox box(QMessageBox::Critical, QObject::tr("Hale cannot open your data"),
                        problem.message);
        box.setInformativeText(
            problem.status == LocalStore::OpenStatus::TooNew
                ? QObject::tr("Your data has not been changed.")
                : QObject::tr("Your data file has not been changed. You can open another data "
                              "folder, or restore a backup: the damaged file is then kept beside "
                              "it under a new name."));
        QPushButton *other =
            box.addButton(QObject::tr("Open Another Folder…"), QMessageBox::ActionRole);
        QPushButton *restore = nullptr;
        if (problem.status != LocalStore::OpenStatus::TooNew)
            restore = box.addButton(QObject::tr("Restore from Backup…"), QMessageBox::ActionRole);
        box.addButton(QObject::tr("Quit"), QMessageBox::RejectRole);
        box.exec();

        if (box.clickedButton() == other) {
            const QString dir =
                files::existingDirectory(nullptr, QObject::tr("Choose a data folder"), dataDir);
            if (!dir.isEmpty()) {
                dataDir = dir;
                problem = store.open(dataDir);
            }
        } else if (restore && box.clickedButton() == restore) {
            const QString backup =
                files::openFileName(nullptr, QObject::tr("Choose a Hale backup"), dataDir,
                                    QObject::tr("Hale backup (*.json)"));
            QFile file(backup);
            if (backup.isEmpty() || !file.open(QIODevice::ReadOnly))
                continue;
            const QByteArray data = file.readAll();
            const QString movedTo = moveDatabaseAside(dataDir);
            if (movedTo.isEmpty()) {
                problem = {LocalStore::OpenStatus::Unwritable,
                           QObject::tr("The damaged file could not be moved aside.")};
                continue;
            }
            problem = store.open(dataDir);
            if (problem.ok()) {
                const auto result = ImportExport::importJson(store, data);
                QMessageBox::information(
                    nullptr, QObject::tr("Restore"),
                    result.ok ? QObject::tr("Restored %n entries. The damaged file was kept as %1.",
                                            nullptr, result.imported)
                                    .arg(movedTo)
                              : QObject::tr("The backup could not be read: %1. The damaged file "
                                            "was kept as %2.")
                                    .arg(result.reason, movedTo));
            }
        } else {
            return std::nullopt;
        }
    }
    return dataDir;
}

} // namespace hale
