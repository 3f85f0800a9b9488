#include "models/local_store.h"
#include "models/store_migrations.h"

#include <QFile>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace hale;

namespace {

// Writes a database as an older Hale left it, from the frozen schema dump of
// that version in tests/data (plus one row of user data to carry across).
bool writeFixture(const QString &dir, int version)
{
    QDir().mkpath(dir);
    const QString connection = QStringLiteral("fixture");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(QDir(dir).filePath(QLatin1String(LocalStore::kFileName)));
        ok = db.open();
        QFile dump(qEnvironmentVariable("HALE_TEST_DATA") +
                   QStringLiteral("/schema-v%1.sql").arg(version));
        ok = ok && dump.open(QIODevice::ReadOnly);
        const QStringList statements =
            QString::fromUtf8(dump.readAll()).split(QLatin1Char(';'), Qt::SkipEmptyParts);
        QSqlQuery q(db);
        for (const QString &statement : statements) {
            if (!statement.trimmed().isEmpty())
                ok = ok && q.exec(statement);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return ok;
}

// The tables and indexes of a database, as SQLite keeps their DDL.
QSet<QString> schemaOf(const QSqlDatabase &db)
{
    QSet<QString> ddl;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")))
        return ddl;
    while (q.next())
        ddl.insert(q.value(0).toString().simplified());
    return ddl;
}

} // namespace

class TestMigrations : public QObject
{
    Q_OBJECT

private slots:
    void migratesFromEveryOlderVersion_data()
    {
        QTest::addColumn<int>("from");
        for (int v = 0; v < LocalStore::kSchemaVersion; ++v)
            QTest::addRow("from v%d", v) << v;
    }
    void migratesFromEveryOlderVersion()
    {
        QFETCH(int, from);
        QTemporaryDir dir;
        if (from > 0)
            QVERIFY(writeFixture(dir.path(), from));
        LocalStore store;
        const auto result = store.open(dir.path());
        QVERIFY2(result.ok(), qPrintable(result.message));
        QCOMPARE(store.schemaVersion(), LocalStore::kSchemaVersion);
        if (from > 0) {
            // The row the old version held is still there and still editable.
            const QString id = QStringLiteral("6f1c2b5e-0d4a-4f7e-9a39-2f3f7c0e9d11");
            const auto rec = store.record(QStringLiteral("metric"), id);
            QVERIFY(rec);
            QCOMPARE(rec->value(QStringLiteral("weight")).toDouble(), 80.5);
            // Its queued change still waits to be pushed (v4 added set-aside
            // changes to the outbox).
            QCOMPARE(store.pendingChangeCount(), 1);
            QVERIFY(
                store.update(QStringLiteral("metric"), id, {{QStringLiteral("weight"), 80}}).ok());
            const QString backup = store.databasePath() +
                                   QStringLiteral(".pre-v%1.bak").arg(LocalStore::kSchemaVersion);
            QVERIFY(QFile::exists(backup));
            // The copy holds the same health data: the owner's alone.
            QCOMPARE(QFile::permissions(backup) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                     QFileDevice::Permissions());
        }
        QSqlQuery q(store.database());
        QVERIFY(q.exec(QStringLiteral(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE '%_by_time'")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 7);
    }

    // Each step's DDL is frozen: steps 1..v on an empty file give exactly the
    // schema of the dump that version left, whatever the registry holds today.
    void stepsUpToEachVersionGiveThatVersionsSchema_data()
    {
        QTest::addColumn<int>("version");
        for (int v = 1; v <= LocalStore::kSchemaVersion; ++v)
            QTest::addRow("v%d", v) << v;
    }
    void stepsUpToEachVersionGiveThatVersionsSchema()
    {
        QFETCH(int, version);
        QTemporaryDir fixtureDir;
        QVERIFY2(writeFixture(fixtureDir.path(), version),
                 "every schema version needs its frozen dump in tests/data");
        QTemporaryDir stepsDir;
        QSet<QString> expected, stepped;
        for (const auto &[dir, out] :
             {std::pair{fixtureDir.path(), &expected}, std::pair{stepsDir.path(), &stepped}}) {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), dir);
            db.setDatabaseName(QDir(dir).filePath(QLatin1String(LocalStore::kFileName)));
            QVERIFY(db.open());
            if (out == &stepped) {
                for (int step = 1; step <= version; ++step)
                    QVERIFY2(store::runMigrationStep(db, step), qPrintable(QString::number(step)));
            }
            *out = schemaOf(db);
            db.close();
            db = {};
            QSqlDatabase::removeDatabase(dir);
        }
        QVERIFY(!expected.isEmpty());
        QCOMPARE(stepped, expected);
    }

    void aNewerDatabaseIsRefusedAndLeftUntouched()
    {
        QTemporaryDir dir;
        QVERIFY(writeFixture(dir.path(), 1));
        const QString path = QDir(dir.path()).filePath(QLatin1String(LocalStore::kFileName));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("x"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 99"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("x"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();

        LocalStore store;
        const auto result = store.open(dir.path());
        QCOMPARE(result.status, LocalStore::OpenStatus::TooNew);
        QVERIFY(result.message.contains(QStringLiteral("newer version")));
        store.close();
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }

    void aCorruptFileIsReportedAndNeverOverwritten_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("text") << QByteArray("this is not a database\n");
        QByteArray header("SQLite format 3\0", 16);
        QTest::newRow("truncated after header") << header + QByteArray(100, '\x7f');
    }
    void aCorruptFileIsReportedAndNeverOverwritten()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        const QString path = QDir(dir.path()).filePath(QLatin1String(LocalStore::kFileName));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();

        LocalStore store;
        const auto result = store.open(dir.path());
        QCOMPARE(result.status, LocalStore::OpenStatus::Corrupt);
        QVERIFY(!store.isOpen());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), content);
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "test_migrations.moc"
