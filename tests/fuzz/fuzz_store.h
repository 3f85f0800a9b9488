// The LocalStores that the import fuzz targets (fuzz_json_import,
// fuzz_csv_import) write into, and the checks they share.
//
// Opening a store runs its migrations, so each process opens two once, in a
// temporary folder (QDir::tempPath(), i.e. $TMPDIR), and keeps them:
//  - "seeded" holds a few records of every kind with fixed ids (one of them
//    deleted), so that an input can create, overwrite and restore records;
//  - "empty" holds nothing.
// An input that the importer refuses must leave the seeded store as it was
// (imports are all-or-nothing); after one it accepts, both stores are put
// back from pristine copies of their files, so every input starts from the
// same state and a crash replays.
#pragma once

#include "fuzz_common.h"
#include "models/import_export.h"
#include "models/local_store.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace hale::fuzz {

// Ids of the seeded records; corpus files use them to overwrite/restore.
inline const char *const kSeededIds[] = {
    "00000000-0000-4000-8000-000000000001", // metric
    "00000000-0000-4000-8000-000000000002", // metric, deleted
    "00000000-0000-4000-8000-000000000003", // medication
    "00000000-0000-4000-8000-000000000004", // dose of that medication
    "00000000-0000-4000-8000-000000000005", // journal
    "00000000-0000-4000-8000-000000000006", // meal
    "00000000-0000-4000-8000-000000000007", // exercise
};

// The wall clock of both stores: 2026-11-23T12:00:00Z, so that "not in the
// future" checks do not depend on the day the fuzzer runs.
inline qint64 fixedNow()
{
    return QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
}

inline QByteArray withoutExportTime(const QByteArray &json)
{
    static const QRegularExpression re(QStringLiteral("\"exported_at\": \"[^\"]*\""));
    return QString::fromUtf8(json).replace(re, QStringLiteral("\"exported_at\": \"\"")).toUtf8();
}

class FuzzStore
{
public:
    FuzzStore(const QString &folder, bool seeded) : m_folder(folder)
    {
        m_live = QDir(folder).filePath(QStringLiteral("live"));
        m_pristine = QDir(folder).filePath(QStringLiteral("pristine.sqlite"));
        m_store.setPhysicalClock(fixedNow);
        open();
        if (seeded)
            seed();
        m_store.close(); // checkpoints the WAL into the file
        HALE_FUZZ_CHECK(QFile::copy(databaseFile(), m_pristine), m_pristine);
        open();
        m_baseline = snapshot();
    }

    LocalStore &store() { return m_store; }
    const QByteArray &baseline() const { return m_baseline; }

    // What an import may change: the live records of every kind, the
    // outbox, and whether the deleted seed is still deleted.
    QByteArray snapshot() const
    {
        const auto deleted = m_store.record(QStringLiteral("metric"), QLatin1String(kSeededIds[1]));
        return withoutExportTime(ImportExport::exportJson(m_store)) + "\npending " +
               QByteArray::number(m_store.pendingChangeCount()) + "\ndeleted seed " +
               (deleted ? (deleted->deleted ? "deleted" : "live") : "absent");
    }

    void reset()
    {
        m_store.close();
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(databaseFile() + QLatin1String(suffix));
        HALE_FUZZ_CHECK(QFile::copy(m_pristine, databaseFile()), databaseFile());
        open();
    }

private:
    QString databaseFile() const
    {
        return QDir(m_live).filePath(QLatin1String(LocalStore::kFileName));
    }

    void open()
    {
        const LocalStore::OpenResult r = m_store.open(m_live);
        HALE_FUZZ_CHECK(r.ok(),
                        QStringLiteral("cannot open a store in %1: %2").arg(m_live, r.message));
    }

    void add(const QString &kind, int seed, const QVariantMap &values)
    {
        const QString id = QLatin1String(kSeededIds[seed]);
        const WriteResult r = m_store.create(kind, values, id);
        HALE_FUZZ_CHECK(r.ok(),
                        QStringLiteral("cannot seed %1 %2: %3 %4")
                            .arg(kind, id, r.message,
                                 r.errors.isEmpty() ? QString()
                                                    : r.errors.first().field + QLatin1Char(' ') +
                                                          r.errors.first().message));
    }

    void seed()
    {
        const auto at = [](const char *iso) {
            return schema::parseDateTime(QLatin1String(iso));
        };
        const auto s = [](const char *text) {
            return QString::fromUtf8(text);
        };
        add(s("metric"), 0,
            {{s("recorded_at"), at("2026-11-20T07:00:00.000Z")},
             {s("weight"), 72.5},
             {s("sleep_quality"), 7},
             {s("body_measurements"), QVariantMap{{s("waist"), 80.0}}},
             {s("notes"), s("seed, \"quoted\"\n\xc3\xa4")}});
        add(s("metric"), 1,
            {{s("recorded_at"), at("2026-11-19T07:00:00.000Z")}, {s("weight"), 73.0}});
        const WriteResult removed = m_store.remove(s("metric"), QLatin1String(kSeededIds[1]));
        HALE_FUZZ_CHECK(removed.ok(), removed.message);
        add(s("medication"), 2,
            {{s("name"), s("Ibuprofen")},
             {s("dose"), 200.0},
             {s("unit"), s("mg")},
             {s("schedule"), QStringList{s("08:00"), s("20:00")}},
             {s("start_date"), QDate(2026, 11, 1)},
             {s("side_effects"), QStringList{s("nausea"), s("semi;colon")}}});
        add(s("dose"), 3,
            {{s("medication_id"), QLatin1String(kSeededIds[2])},
             {s("status"), s("taken")},
             {s("logged_at"), at("2026-11-20T08:01:00.000Z")}});
        add(s("journal"), 4,
            {{s("entry_date"), QDate(2026, 11, 20)},
             {s("mood"), 4},
             {s("text"), s("A good day.")}});
        add(s("meal"), 5,
            {{s("eaten_at"), at("2026-11-20T12:30:00.000Z")},
             {s("meal_type"), s("lunch")},
             {s("description"), s("Soup")},
             {s("calories"), 350.0}});
        add(s("exercise"), 6,
            {{s("performed_at"), at("2026-11-20T18:00:00.000Z")},
             {s("activity"), s("Running")},
             {s("duration"), 30.0},
             {s("distance"), 5.2}});
    }

    QString m_folder;
    QString m_live;
    QString m_pristine;
    LocalStore m_store;
    QByteArray m_baseline;
};

// Both stores of this process, created on first use and never destroyed (a
// LocalStore must close before Qt's SQL globals go; the folder is removed at
// exit).
struct FuzzStores
{
    QTemporaryDir *folder = nullptr;
    FuzzStore *seeded = nullptr;
    FuzzStore *empty = nullptr;
};

inline FuzzStores &stores()
{
    static FuzzStores stores = [] {
        ensureApplication();
        FuzzStores s;
        s.folder =
            new QTemporaryDir(QDir(QDir::tempPath()).filePath(QStringLiteral("hale-fuzz-XXXXXX")));
        HALE_FUZZ_CHECK(s.folder->isValid(), s.folder->errorString());
        static const std::string path = s.folder->path().toStdString();
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        });
        s.seeded = new FuzzStore(s.folder->filePath(QStringLiteral("seeded")), true);
        s.empty = new FuzzStore(s.folder->filePath(QStringLiteral("empty")), false);
        return s;
    }();
    return stores;
}

// Checks an import that failed: a reason, nothing counted, nothing written.
inline void checkRefused(const ImportResult &r)
{
    HALE_FUZZ_CHECK(!r.reason.isEmpty(), QStringLiteral("an import failed without a reason"));
    HALE_FUZZ_CHECK(r.imported == 0, r.reason);
    HALE_FUZZ_CHECK(stores().seeded->snapshot() == stores().seeded->baseline(),
                    QStringLiteral("a refused import (%1) changed the store").arg(r.message()));
}

// After an import that succeeded: everything the seeded store now holds must
// survive the documented round trips, then both stores are put back.
//  - JSON: export -> import into an empty store -> export gives the same
//    bytes (apart from "exported_at");
//  - CSV, every kind: export -> import over the same records -> export gives
//    the same bytes, and the JSON export does not change either.
inline void checkAcceptedAndReset(const ImportResult &r)
{
    HALE_FUZZ_CHECK(r.reason.isEmpty(), r.reason);
    LocalStore &seeded = stores().seeded->store();
    LocalStore &empty = stores().empty->store();

    const QByteArray json = ImportExport::exportJson(seeded);
    const ImportResult intoEmpty = ImportExport::importJson(empty, json);
    HALE_FUZZ_CHECK(intoEmpty.ok,
                    QStringLiteral("an exported backup is refused: %1\n%2")
                        .arg(intoEmpty.message(), QString::fromUtf8(json.left(2000))));
    const QByteArray again = ImportExport::exportJson(empty);
    HALE_FUZZ_CHECK(
        withoutExportTime(again) == withoutExportTime(json),
        QStringLiteral("backup -> empty store -> backup differs:\n%1\n---\n%2")
            .arg(QString::fromUtf8(json.left(2000)), QString::fromUtf8(again.left(2000))));

    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        const QByteArray csv = ImportExport::exportCsv(seeded, kind.name);
        const ImportResult back = ImportExport::importCsv(seeded, kind.name, csv);
        HALE_FUZZ_CHECK(back.ok,
                        QStringLiteral("an exported %1 CSV is refused: %2\n%3")
                            .arg(kind.name, back.message(), QString::fromUtf8(csv.left(2000))));
        const QByteArray csvAgain = ImportExport::exportCsv(seeded, kind.name);
        HALE_FUZZ_CHECK(csvAgain == csv,
                        QStringLiteral("%1 CSV -> import -> CSV differs:\n%2\n---\n%3")
                            .arg(kind.name, QString::fromUtf8(csv.left(2000)),
                                 QString::fromUtf8(csvAgain.left(2000))));
    }
    const QByteArray jsonAfterCsv = ImportExport::exportJson(seeded);
    HALE_FUZZ_CHECK(
        withoutExportTime(jsonAfterCsv) == withoutExportTime(json),
        QStringLiteral("re-importing the CSV exports changed the backup:\n%1\n---\n%2")
            .arg(QString::fromUtf8(json.left(2000)), QString::fromUtf8(jsonAfterCsv.left(2000))));
    stores().seeded->reset();
    stores().empty->reset();
}

} // namespace hale::fuzz
