// End-to-end encrypted accounts against the real hale-server (SQLite, or
// PostgreSQL with HALE_TEST_DATABASE=postgres) and a real keychain: what
// the server's database holds, what a device refuses, and that merging
// gives what it gives for an account in clear.
#include "../integration/server_process.h"
#include "sync_device.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

using namespace hale;
using namespace hale::sync;
using namespace hale::test;

namespace {

const QString kPassphrase = QStringLiteral("a quiet harbour at dusk");
const QString kMedication = QStringLiteral("medication");

// Values that must never reach the server's database in clear.
const QStringList kSecrets{
    QStringLiteral("73.25"),         QStringLiteral("knee sore after the hike"),
    QStringLiteral("Levothyroxine"), QStringLiteral("dizziness"),
    QStringLiteral("07:30"),         QStringLiteral("Walked by the river with Mona"),
    QStringLiteral("Peak flow"),     QStringLiteral("L/min"),
    QStringLiteral("Quinoa salad"),
};

} // namespace

class TestEndToEnd : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ServerProcess> m_server;
    QString m_email;

    QString url() const { return m_server->baseUrl(); }
    bool onPostgres() const { return !m_server->databaseUrl().isEmpty(); }

    // What an operator, or a thief of its disk, reads of the server's
    // database: the SQLite files byte for byte (free pages and the
    // write-ahead log too), or a dump of the PostgreSQL database.
    QByteArray serverDatabase() const
    {
        if (onPostgres()) {
            QProcess dump;
            dump.start(QStringLiteral("pg_dump"), {m_server->databaseUrl()});
            if (!dump.waitForFinished(60000) || dump.exitCode() != 0)
                qFatal("pg_dump failed: %s", dump.readAllStandardError().constData());
            return dump.readAllStandardOutput();
        }
        QByteArray bytes;
        const QString db = m_server->dataDir() + QStringLiteral("/hale-server.sqlite");
        for (const char *suffix : {"", "-wal"}) {
            QFile file(db + QLatin1String(suffix));
            if (file.open(QIODevice::ReadOnly))
                bytes += file.readAll();
        }
        if (bytes.isEmpty())
            qFatal("the server's database could not be read");
        return bytes;
    }

    QStringList secretsOnServer() const
    {
        const QByteArray held = serverDatabase();
        // The search finds what is there: the account's email is in clear.
        if (!held.contains(m_email.toUtf8()))
            qFatal("the email was not found: the search does not work");
        QStringList found;
        for (const QString &secret : kSecrets) {
            if (held.contains(secret.toUtf8()))
                found << secret;
        }
        return found;
    }

    // One of each kind of value, a set element removed among them.
    static void logADay(Device &d)
    {
        const auto ok = [](const WriteResult &r) {
            if (!r.ok())
                qFatal("not written: %s %s", qPrintable(r.message),
                       qPrintable(r.errors.isEmpty() ? QString()
                                                     : r.errors.first().field + QLatin1Char(' ') +
                                                           r.errors.first().message));
            return r.id;
        };
        ok(d.store.create(kMetric,
                          {{QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc()},
                           {QStringLiteral("weight"), 73.25},
                           {QStringLiteral("notes"), u"knee sore after the hike"_qs}}));
        const QString pills =
            ok(d.store.create(kMedication, {{QStringLiteral("name"), u"Levothyroxine"_qs},
                                            {QStringLiteral("dose"), 50},
                                            {QStringLiteral("unit"), QStringLiteral("mcg")},
                                            {QStringLiteral("schedule"), QStringList{u"07:30"_qs}},
                                            {QStringLiteral("start_date"), QDate(2026, 3, 1)},
                                            {QStringLiteral("side_effects"),
                                             QStringList{u"dizziness"_qs, u"tremor"_qs}}}));
        ok(d.store.update(kMedication, pills,
                          {{QStringLiteral("side_effects"), QStringList{u"tremor"_qs}}}));
        ok(d.store.create(kJournal,
                          {{QStringLiteral("entry_date"), QDate::currentDate()},
                           {QStringLiteral("mood"), 4},
                           {QStringLiteral("text"), u"Walked by the river with Mona"_qs}}));
        ok(d.store.create(QStringLiteral("meal"),
                          {{QStringLiteral("eaten_at"), QDateTime::currentDateTimeUtc()},
                           {QStringLiteral("meal_type"), QStringLiteral("lunch")},
                           {QStringLiteral("description"), u"Quinoa salad"_qs}}));
        const QString measure = ok(d.store.create(
            QStringLiteral("measure"), {{QStringLiteral("created_on"), QDate::currentDate()},
                                        {QStringLiteral("name"), u"Peak flow"_qs},
                                        {QStringLiteral("unit"), u"L/min"_qs}}));
        ok(d.store.create(QStringLiteral("measurement"),
                          {{QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc()},
                           {QStringLiteral("measure_id"), measure},
                           {QStringLiteral("value"), 455.0}}));
    }

    // Every record of every kind with its values, as the screens read them.
    static QMap<QString, QVariantMap> contents(const Device &d)
    {
        QMap<QString, QVariantMap> out;
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            for (const Record &r : d.store.records(kind.name)) {
                QVariantMap values;
                for (const FieldSpec &field : kind.fields)
                    values.insert(field.name, r.value(field.name));
                out.insert(kind.name + QLatin1Char('/') + r.id, values);
            }
        }
        return out;
    }

    // The server's stored state of a record, and a way to write it back
    // as a change the devices pull (a newer sequence number).
    QJsonObject storedState(const QString &id) const
    {
        const QString sql = QStringLiteral("SELECT state FROM records WHERE id = '%1'").arg(id);
        std::optional<QVariant> value;
        if (onPostgres()) {
            value = m_server->postgresValue(sql);
        } else {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), u"peek"_qs);
            db.setDatabaseName(m_server->dataDir() + QStringLiteral("/hale-server.sqlite"));
            if (db.open()) {
                QSqlQuery q(sql, db);
                if (q.next())
                    value = q.value(0);
            }
            db = {};
            QSqlDatabase::removeDatabase(u"peek"_qs);
        }
        return value ? QJsonDocument::fromJson(value->toString().toUtf8()).object() : QJsonObject();
    }
    bool rewrite(const QString &id, const QJsonObject &state)
    {
        const QString text = QString::fromUtf8(QJsonDocument(state).toJson(QJsonDocument::Compact));
        return m_server->runSql(QStringLiteral("UPDATE users SET change_seq = change_seq + 1")) &&
               m_server->runSql(QStringLiteral("UPDATE records SET state = '%1', seq = (SELECT "
                                               "max(change_seq) FROM users) WHERE id = '%2'")
                                    .arg(text, id));
    }

private slots:
    void init()
    {
        m_server = std::make_unique<ServerProcess>(
            QStringLiteral("[rate_limit]\nrequests_per_minute = 100000\n"));
        QVERIFY2(m_server->started(), qPrintable(m_server->stderrText()));
        m_email = QStringLiteral("sealed-%1@example.org")
                      .arg(QUuid::createUuid().toString(QUuid::Id128).left(10));
    }

    void cleanup() { m_server.reset(); }

    // Signed up encrypted, a day of entries synced: the server's database
    // holds none of their values, and another device signed in with the
    // passphrase has every one of them.
    void theServerHoldsNoValueInClear()
    {
        Device a(QStringLiteral("laptop")), b(QStringLiteral("desktop"));
        QSignalSpy recovery(a.worker.get(), &SyncWorker::recoveryKey);
        QVERIFY(a.join(url(), m_email, true, kPassphrase));
        QCOMPARE(recovery.size(), 1);
        QVERIFY(a.status.endToEnd);
        logADay(a);
        QVERIFY(a.sync());
        QVERIFY(b.join(url(), m_email, false, kPassphrase));
        QVERIFY(b.status.endToEnd);
        QCOMPARE(contents(b), contents(a));
        QCOMPARE(b.store.rejectedChangeCount(), 0);
        QCOMPARE(b.store.records(kMedication).first().value(u"side_effects"_qs).toStringList(),
                 QStringList{u"tremor"_qs});
        QCOMPARE(secretsOnServer(), QStringList());

        // An edit on the second device reaches the first, sealed all the way.
        const QString id = b.store.records(kMetric).first().id;
        QVERIFY(b.store.update(kMetric, id, {{QStringLiteral("weight"), 72.75}}).ok());
        QVERIFY(b.sync());
        QVERIFY(a.sync());
        QCOMPARE(a.store.record(kMetric, id)->value(u"weight"_qs).toDouble(), 72.75);
        QVERIFY(!serverDatabase().contains("72.75"));
    }

    // A wrong passphrase, or none, signs nobody in: no session, no key, sync
    // off. The recovery key opens the account as the passphrase does.
    void aWrongPassphraseKeepsNothingAndTheRecoveryKeyOpensTheAccount()
    {
        Device a(QStringLiteral("laptop"));
        QSignalSpy recovery(a.worker.get(), &SyncWorker::recoveryKey);
        QVERIFY(a.join(url(), m_email, true, kPassphrase));
        QCOMPARE(recovery.size(), 1);
        const QString recoveryKey = recovery.first().at(0).toString();
        logADay(a);
        QVERIFY(a.sync());

        Device b(QStringLiteral("desktop"));
        QSignalSpy required(b.worker.get(), &SyncWorker::passphraseRequired);
        QString message;
        QVERIFY(!b.act([&] { b.worker->signIn(url(), m_email, u"correct horse battery"_qs); },
                       &message));
        QCOMPARE(required.size(), 1);
        QVERIFY2(message.contains(QLatin1String("passphrase")), qPrintable(message));
        QVERIFY(!b.act(
            [&] { b.worker->signIn(url(), m_email, u"correct horse battery"_qs, u"guess"_qs); },
            &message));
        QVERIFY2(message.contains(QLatin1String("not this account's")), qPrintable(message));
        QVERIFY(!b.worker->isEnabled());
        QVERIFY(!b.status.endToEnd);
        QVERIFY(b.store.records(kMetric).isEmpty());
        TokenStore keychain;
        QVERIFY(!awaitKeychain([&](auto done) { keychain.read(b.id(), done); }).token);
        QVERIFY(!awaitKeychain([&](auto done) {
                     keychain.read(b.id() + u"/data-key"_qs, done);
                 }).token);

        QVERIFY(b.join(url(), m_email, false, recoveryKey.toLower()));
        QCOMPARE(contents(b), contents(a));
        // Shown again after the passphrase, it is the same key.
        QSignalSpy again(b.worker.get(), &SyncWorker::recoveryKey);
        QVERIFY(b.act([&] { b.worker->showRecoveryKey(kPassphrase); }));
        QCOMPARE(again.size(), 1);
        QCOMPARE(again.first().at(0).toString(), recoveryKey);
        QVERIFY(!b.act([&] { b.worker->showRecoveryKey(u"guess"_qs); }));
        QCOMPARE(again.size(), 1);
    }

    // The server alters a sealed value, and swaps two records' values: the
    // device sets both aside, lists them, and keeps what it had.
    void alteredAndSwappedValuesAreSetAsideAndTheDeviceKeepsItsOwn()
    {
        Device a(QStringLiteral("laptop")), b(QStringLiteral("desktop"));
        QVERIFY(a.join(url(), m_email, true, kPassphrase));
        QStringList ids;
        for (double weight : {70.5, 80.5, 90.5})
            ids << a.store
                       .create(kMetric,
                               {{QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc()},
                                {QStringLiteral("weight"), weight}})
                       .id;
        QVERIFY(a.sync());
        QVERIFY(b.join(url(), m_email, false, kPassphrase));
        QCOMPARE(b.store.records(kMetric).size(), 3);

        QJsonObject first = storedState(ids[0]), second = storedState(ids[1]);
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        QJsonObject firstFields = first[u"fields"_qs].toObject();
        QJsonObject secondFields = second[u"fields"_qs].toObject();
        const QJsonValue firstWeight = firstFields[u"weight"_qs];
        firstFields[u"weight"_qs] = secondFields[u"weight"_qs];
        secondFields[u"weight"_qs] = firstWeight;
        first[u"fields"_qs] = firstFields;
        second[u"fields"_qs] = secondFields;
        QVERIFY(rewrite(ids[0], first) && rewrite(ids[1], second));
        QJsonObject third = storedState(ids[2]);
        QJsonObject thirdFields = third[u"fields"_qs].toObject();
        QJsonObject cell = thirdFields[u"weight"_qs].toObject();
        QString sealed = cell[u"v"_qs].toObject()[u"e"_qs].toString();
        sealed[20] = sealed[20] == u'A' ? u'B' : u'A';
        cell[u"v"_qs] = QJsonObject{{QStringLiteral("e"), sealed}};
        thirdFields[u"weight"_qs] = cell;
        third[u"fields"_qs] = thirdFields;
        QVERIFY(rewrite(ids[2], third));

        QVERIFY(b.sync());
        const QList<RejectedChange> aside = b.store.rejectedChanges();
        QCOMPARE(aside.size(), 3);
        for (const RejectedChange &r : aside) {
            QVERIFY(r.pulled);
            QVERIFY2(r.reason.contains(QLatin1String("weight")), qPrintable(r.reason));
        }
        QCOMPARE(b.status.rejected, 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(b.store.record(kMetric, ids[i])->value(u"weight"_qs).toDouble(),
                     70.5 + 10 * i);
        // A later write of the record, sealed by a device, opens again and
        // leaves the list.
        QVERIFY(a.store.update(kMetric, ids[2], {{QStringLiteral("weight"), 91.0}}).ok());
        QVERIFY(a.sync());
        QVERIFY(b.sync());
        QCOMPARE(b.store.record(kMetric, ids[2])->value(u"weight"_qs).toDouble(), 91.0);
        QCOMPARE(b.store.rejectedChanges().size(), 2);
    }

    // Two devices edit offline (one field on both, others on one, a set on
    // both): an encrypted account ends as one in clear does.
    void offlineEditsMergeAsTheyDoInClear()
    {
        QMap<QString, QVariant> results[2];
        for (const bool encrypted : {false, true}) {
            const QString email = (encrypted ? u"e2e-"_qs : u"clear-"_qs) + m_email;
            const QString passphrase = encrypted ? kPassphrase : QString();
            Device a(QStringLiteral("laptop")), b(QStringLiteral("desktop"));
            QVERIFY(a.join(url(), email, true, passphrase));
            const QString id =
                a.store
                    .create(kMedication,
                            {{QStringLiteral("name"), u"Metformin"_qs},
                             {QStringLiteral("dose"), 500},
                             {QStringLiteral("unit"), u"mg"_qs},
                             {QStringLiteral("start_date"), QDate(2026, 3, 1)},
                             {QStringLiteral("schedule"), QStringList{u"08:00"_qs, u"20:00"_qs}}})
                    .id;
            QVERIFY(a.sync());
            QVERIFY(b.join(url(), email, false, passphrase));
            QCOMPARE(b.status.endToEnd, encrypted);
            // Offline: neither syncs until both have written.
            QVERIFY(a.store.update(kMedication, id, {{u"dose"_qs, 750}}).ok());
            QVERIFY(a.store.update(kMedication, id, {{u"notes"_qs, u"with food"_qs}}).ok());
            QVERIFY(a.store
                        .update(kMedication, id,
                                {{u"schedule"_qs, QStringList{u"08:00"_qs, u"13:00"_qs}}})
                        .ok());
            QTest::qWait(5); // B's writes are the later ones
            QVERIFY(b.store.update(kMedication, id, {{u"dose"_qs, 1000}}).ok());
            QVERIFY(
                b.store
                    .update(kMedication, id,
                            {{u"schedule"_qs, QStringList{u"08:00"_qs, u"20:00"_qs, u"22:00"_qs}}})
                    .ok());
            QVERIFY(b.store.update(kMedication, id, {{u"end_date"_qs, QDate(2026, 12, 31)}}).ok());
            QVERIFY(a.sync());
            QVERIFY(b.sync());
            QVERIFY(a.sync());
            const auto onA = contents(a), onB = contents(b);
            QCOMPARE(onA, onB);
            const QVariantMap merged = onA.value(kMedication + QLatin1Char('/') + id);
            QCOMPARE(merged.value(u"dose"_qs).toDouble(), 1000.0);
            QCOMPARE(merged.value(u"notes"_qs).toString(), u"with food"_qs);
            QCOMPARE(merged.value(u"end_date"_qs).toDate(), QDate(2026, 12, 31));
            results[encrypted] = merged;
            QCOMPARE(a.store.rejectedChangeCount() + b.store.rejectedChangeCount(), 0);
        }
        QCOMPARE(results[true], results[false]);
        // Each removed its time and added one: 20:00 went on A (B kept it,
        // an older add), 13:00 and 22:00 came.
        QCOMPARE(results[true].value(u"schedule"_qs).toStringList(),
                 (QStringList{u"08:00"_qs, u"13:00"_qs, u"22:00"_qs}));
    }

    // An account in clear switched to encryption on one device: the
    // server's copy becomes sealed, the other device asks for the
    // passphrase (its edits wait, sealed once it has it), and a device
    // that has not pulled the latest changes may not switch.
    void switchingOnLaterSealsTheServersCopy()
    {
        Device a(QStringLiteral("laptop")), b(QStringLiteral("desktop"));
        QVERIFY(a.join(url(), m_email, true));
        logADay(a);
        QVERIFY(a.sync());
        QVERIFY(b.join(url(), m_email, false));
        QVERIFY(!secretsOnServer().isEmpty()); // in clear, as asked
        // A passphrase given for an account the server calls clear: not
        // signed in (a server must not talk a device into sending in clear).
        {
            Device c(QStringLiteral("phone"));
            QString message;
            QVERIFY(!c.act(
                [&] { c.worker->signIn(url(), m_email, u"correct horse battery"_qs, kPassphrase); },
                &message));
            QVERIFY2(message.contains(QLatin1String("not end-to-end encrypted")),
                     qPrintable(message));
            QVERIFY(!c.worker->isEnabled());
        }

        // B writes what A has not seen: A may not switch yet.
        const QString bNote = b.store
                                  .create(kJournal, {{u"entry_date"_qs, QDate::currentDate()},
                                                     {u"mood"_qs, 3},
                                                     {u"text"_qs, u"before the switch"_qs}})
                                  .id;
        QVERIFY(b.sync());
        QString message;
        QVERIFY(!a.act([&] { a.worker->switchOnEndToEnd(kPassphrase); }, &message));
        QVERIFY2(message.contains(QLatin1String("sync")), qPrintable(message));
        QVERIFY(a.sync());

        QSignalSpy recovery(a.worker.get(), &SyncWorker::recoveryKey);
        QSignalSpy cycle(a.worker.get(), &SyncWorker::cycleFinished);
        QVERIFY(a.act([&] { a.worker->switchOnEndToEnd(kPassphrase); }));
        QCOMPARE(recovery.size(), 1);
        QVERIFY(cycle.wait(kWaitMs) && cycle.last().at(0).toBool());
        QVERIFY(a.status.endToEnd);
        QCOMPARE(secretsOnServer(), QStringList());

        // B's next sync: its edit waits, and it asks for the passphrase.
        QVERIFY(b.store.update(kJournal, bNote, {{u"text"_qs, u"after the switch"_qs}}).ok());
        QVERIFY(!b.sync());
        QVERIFY(b.status.passphraseNeeded);
        QCOMPARE(b.store.pendingChangeCount(), 1);
        QVERIFY(!serverDatabase().contains("after the switch"));
        QVERIFY(b.act([&] { b.worker->unlock(kPassphrase); }));
        QVERIFY(b.sync());
        QVERIFY(!b.status.passphraseNeeded);
        QVERIFY(a.sync());
        QCOMPARE(a.store.record(kJournal, bNote)->value(u"text"_qs).toString(),
                 u"after the switch"_qs);
        QCOMPARE(contents(a), contents(b));
        QVERIFY(!serverDatabase().contains("after the switch"));
        QCOMPARE(secretsOnServer(), QStringList());
    }

    // A new passphrase re-wraps the same data key: the new one opens the
    // account on a new device, the old one no longer does, and the devices
    // signed in carry on.
    void aNewPassphraseReplacesTheOld()
    {
        Device a(QStringLiteral("laptop"));
        QVERIFY(a.join(url(), m_email, true, kPassphrase));
        logADay(a);
        QVERIFY(a.sync());
        QVERIFY(!a.act([&] { a.worker->changePassphrase(u"guess"_qs, u"new words"_qs); }));
        QVERIFY(a.act([&] { a.worker->changePassphrase(kPassphrase, u"new words"_qs); }));
        Device b(QStringLiteral("desktop")), c(QStringLiteral("phone"));
        QVERIFY(!b.act(
            [&] { b.worker->signIn(url(), m_email, u"correct horse battery"_qs, kPassphrase); }));
        QVERIFY(c.join(url(), m_email, false, u"new words"_qs));
        QCOMPARE(contents(c), contents(a));
        QVERIFY(a.store.update(kMetric, a.store.records(kMetric).first().id, {{u"weight"_qs, 74.0}})
                    .ok());
        QVERIFY(a.sync());
        QVERIFY(c.sync());
        QCOMPARE(contents(c), contents(a));
    }
};

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "test_end_to_end.moc"
