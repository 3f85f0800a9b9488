// hale-server's queries as PostgreSQL plans them (only there: SQLite has no
// statistics to go stale).
#include "api_client_for_tests.h"
#include "server_process.h"
#include "sync_bodies.h"

using hale::test::RawApi;
using hale::test::ServerProcess;
using namespace hale::test::bodies;

namespace {
const qint64 kNow = QDateTime::currentMSecsSinceEpoch();
} // namespace

class TestPostgresPlanner : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<RawApi> m_api;

private slots:
    void init()
    {
        QVERIFY2(ServerProcess::usesPostgres(), "run with the PostgreSQL test cluster");
        m_server = std::make_unique<ServerProcess>();
        QVERIFY2(m_server->started(), "hale-server did not start on the PostgreSQL test cluster");
        m_api = std::make_unique<RawApi>(m_server->baseUrl());
    }
    void cleanup()
    {
        m_api.reset();
        m_server.reset();
    }

    // When the table's statistics were taken before the
    // records came (a new server's; autovacuum analyses a minute after a
    // large push at best), the planner guessed a dozen rows and read each
    // pull page by a bitmap scan of all the user's records after the
    // cursor, then sorted them: a first sync of N records read about
    // N*N/(2*page) index entries, 40 ms a page instead of 4 at 100,000.
    void aPullPageReadsOnlyItsOwnRowsWhileTheStatisticsAreBehind()
    {
        const RawApi::Reply signedUp = m_api->account(QStringLiteral("ann@example.org"),
                                                      RawApi::device(QStringLiteral("Laptop")));
        const QString token = tokenOf(signedUp);
        // Analysed while the table was empty (a new server's), then a
        // thousand records pushed and 100,000 more (written here in SQL, as
        // pushes would store them).
        constexpr int kKnown = 1000;
        constexpr int kLater = 100'000;
        constexpr int kPage = 250;
        constexpr int kPages = 3;
        QVERIFY(m_server->runSql(QStringLiteral("ANALYZE records")));
        QList<RecordState> known;
        for (int i = 0; i < kKnown; ++i)
            known << metric(QUuid::createUuid().toString(QUuid::WithoutBraces), 60,
                            stampAt(kNow - 100'000 + i, QStringLiteral("n")));
        QCOMPARE(
            decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"), syncBody(0, known), token))
                .cursor,
            kKnown);
        const QString state =
            QStringLiteral(R"({"kind":"metric","id":"%s","fields":{"weight":{"v":60,"t":"%1"}},)"
                           R"("elements":{},"deleted":{"v":false,"t":"%1"}})")
                .arg(stampAt(kNow - 1000, QStringLiteral("n")).toString());
        QVERIFY(m_server->runSql(
            QStringLiteral(
                "INSERT INTO records (user_id, kind, id, state, seq) SELECT u.user_id, "
                "'metric', g.id::uuid, format('%1', g.id), %2 + g.n FROM (SELECT user_id "
                "FROM records LIMIT 1) u, (SELECT n, gen_random_uuid()::text AS id "
                "FROM generate_series(1, %3) n) g")
                .arg(state)
                .arg(kKnown)
                .arg(kLater)));
        QVERIFY(m_server->runSql(
            QStringLiteral("UPDATE users SET change_seq = %1").arg(kKnown + kLater)));

        // The server's database sessions report what they read when they
        // end (asynchronously): counted with the server stopped and its
        // sessions gone.
        const auto indexEntriesRead = [&]() -> std::optional<qint64> {
            m_server->stop();
            const QString sessions = QStringLiteral(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                "pid <> pg_backend_pid()");
            for (int waited = 0; m_server->postgresValue(sessions).value_or(1).toInt() != 0;
                 waited += 50) {
                if (waited > 10'000)
                    return std::nullopt;
                QTest::qWait(50);
            }
            const auto read = m_server->postgresValue(
                QStringLiteral("SELECT idx_tup_read FROM pg_stat_user_indexes WHERE indexrelname = "
                               "'records_by_seq'"));
            return read ? std::optional(read->toLongLong()) : std::nullopt;
        };
        const QString other = tokenOf(m_api->account(
            QStringLiteral("ann@example.org"), RawApi::device(QStringLiteral("Phone")), false));
        const auto before = indexEntriesRead();
        QVERIFY(before);
        QVERIFY(m_server->restart());
        m_api = std::make_unique<RawApi>(m_server->baseUrl());
        // Another device of the account, holding the first thousand, pulls
        // three pages.
        qint64 cursor = kKnown;
        for (int page = 0; page < kPages; ++page) {
            const SyncResponse answer = decoded(m_api->call("POST", QStringLiteral("/api/v1/sync"),
                                                            syncBody(cursor, {}, kPage), other));
            QCOMPARE(answer.changes.size(), kPage);
            QVERIFY(answer.hasMore);
            cursor = answer.cursor;
        }
        const auto after = indexEntriesRead();
        QVERIFY(after);
        const qint64 entries = *after - *before;
        // Each page reads its rows and one more (to know whether more
        // follow); the bitmap scans read all 100,000 for each page.
        QVERIFY2(entries >= kPages * kPage && entries <= 2 * kPages * (kPage + 1),
                 qPrintable(QStringLiteral("%1 index entries read").arg(entries)));
    }
};

QTEST_GUILESS_MAIN(TestPostgresPlanner)
#include "test_postgres_planner.moc"
