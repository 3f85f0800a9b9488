// Issue 17: a dose taken on another device does not remind here once
// synced. Two devices of one account against the real hale-server, each as
// the app runs it (live updates on); the second one's reminders go to a
// notifier that records what it was asked to show and close.
#include "../integration/server_process.h"
#include "models/medication_schedule.h"
#include "sync_device.h"
#include "ui/desktop/notifier.h"
#include "ui/desktop/reminder_service.h"

#include <QUndoStack>
#include <QUuid>

using namespace hale;
using hale::test::Device;
using hale::test::waitUntil;

namespace {

class RecordingNotifier : public Notifier
{
public:
    QList<Notification> shown;
    QList<quint32> closed;

    quint32 show(const Notification &notification) override
    {
        shown << notification;
        return static_cast<quint32>(shown.size());
    }
    void close(quint32 handle) override { closed << handle; }
    bool supportsActions() const override { return true; }
};

} // namespace

class TestRemindersSync : public QObject
{
    Q_OBJECT

private slots:
    void aDoseTakenOnAnotherDeviceClosesAndSkipsItsReminderHere()
    {
        test::ServerProcess server(QStringLiteral("[rate_limit]\nrequests_per_minute = 100000\n"));
        QVERIFY2(server.started(), qPrintable(server.stderrText()));
        const QString email = QStringLiteral("doses-%1@example.org")
                                  .arg(QUuid::createUuid().toString(QUuid::Id128).left(10));
        Device phone(QStringLiteral("laptop"), test::asTheAppRuns());
        Device desk(QStringLiteral("desktop"), test::asTheAppRuns());
        phone.syncOnLocalChanges();
        desk.syncOnLocalChanges();
        QVERIFY(phone.join(server.baseUrl(), email, true));
        QVERIFY(desk.join(server.baseUrl(), email, false));
        QVERIFY(waitUntil([&] { return phone.status.live && desk.status.live; }));

        const QDate today = QDate::currentDate();
        const WriteResult med =
            phone.store.create(QStringLiteral("medication"),
                               {{QStringLiteral("name"), QStringLiteral("Levothyroxine")},
                                {QStringLiteral("dose"), 50},
                                {QStringLiteral("unit"), QStringLiteral("mcg")},
                                {QStringLiteral("schedule"),
                                 QStringList{QStringLiteral("07:00"), QStringLiteral("19:00")}},
                                {QStringLiteral("start_date"), today.addDays(-1)}});
        QVERIFY(med.ok());
        QVERIFY(waitUntil(
            [&] { return desk.store.record(QStringLiteral("medication"), med.id).has_value(); }));

        // As SyncController does: what the worker merged in is announced
        // on the screens' connection, where the reminders listen.
        QObject::connect(desk.worker.get(), &sync::SyncWorker::recordsChanged, &desk.store,
                         &LocalStore::announceChange);
        QUndoStack undo;
        RecordingNotifier notifier;
        ReminderService reminders(&desk.store, &undo, &notifier);
        QDateTime now = QDateTime(today, QTime(6, 59)).toUTC();
        reminders.setClock([&] { return now; });
        reminders.start();
        QVERIFY(notifier.shown.isEmpty());

        // 07:00 reminds on the desktop; the dose is taken on the laptop, and
        // once that arrives the desktop's notification goes.
        now = QDateTime(today, QTime(7, 0, 5)).toUTC();
        reminders.check();
        QCOMPARE(notifier.shown.size(), 1);
        const auto doses = medication::dosesOn(phone.store, today);
        QCOMPARE(doses.size(), 2);
        QVERIFY(medication::logDose(phone.store, doses.at(0), QStringLiteral("taken")).ok());
        QVERIFY(waitUntil([&] { return notifier.closed.contains(1); }));
        QCOMPARE(reminders.openNotifications(), 0);

        // 19:00 taken on the laptop early: the desktop never reminds.
        QVERIFY(medication::logDose(phone.store, doses.at(1), QStringLiteral("taken")).ok());
        QVERIFY(waitUntil([&] {
            return medication::dosesOn(desk.store, today).at(1).status == QLatin1String("taken");
        }));
        for (int minute = 0; minute <= 2; ++minute) {
            now = QDateTime(today, QTime(18, 59 + minute / 2, 30 * (minute % 2))).toUTC();
            reminders.check();
        }
        QCOMPARE(notifier.shown.size(), 1);
        QVERIFY(undo.count() == 0); // nothing was logged here
    }
};

QTEST_GUILESS_MAIN(TestRemindersSync)
#include "test_reminders_sync.moc"
