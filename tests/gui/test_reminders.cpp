// Dose and logging reminders as a person meets them: a notification from
// the desktop's notification service whose buttons log the dose, snooze or
// open the right dialog; the Settings that choose them, reached through the
// accessibility tree. The notification service is a stand-in on a private
// session bus (dbus-run-session), answering as a desktop's would.
#include "gui_helpers.h"
#include "models/medication_schedule.h"
#include "ui/desktop/autostart.h"
#include "ui/desktop/reminder_service.h"
#include "ui/main_window.h"
#include "ui/record_editor_dialog.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimeEdit>
#include <QTranslator>
#include <QUndoStack>

using namespace hale;

namespace {

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");

// org.freedesktop.Notifications as a desktop implements it, keeping what it
// was asked to show and to close.
class FakeNotificationService : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    struct Shown
    {
        quint32 id;
        QString summary;
        QString body;
        QStringList actions;
    };
    QList<Shown> shown;
    QList<quint32> closed;

    explicit FakeNotificationService(const QDBusConnection &bus) : m_bus(bus) {}

    // Sends the signal the desktop sends when a button is pressed.
    void press(quint32 id, const QString &action)
    {
        QDBusMessage signal =
            QDBusMessage::createSignal(kPath, kService, QStringLiteral("ActionInvoked"));
        signal << id << action;
        m_bus.send(signal);
    }

public slots:
    QStringList GetCapabilities() { return {QStringLiteral("actions"), QStringLiteral("body")}; }
    quint32 Notify(const QString &app, quint32 replaces, const QString &icon,
                   const QString &summary, const QString &body, const QStringList &actions,
                   const QVariantMap &hints, qint32 timeout)
    {
        Q_UNUSED(app);
        Q_UNUSED(replaces);
        Q_UNUSED(icon);
        Q_UNUSED(hints);
        Q_UNUSED(timeout);
        shown.append({++m_lastId, summary, body, actions});
        return m_lastId;
    }
    void CloseNotification(quint32 id)
    {
        closed << id;
        QDBusMessage signal =
            QDBusMessage::createSignal(kPath, kService, QStringLiteral("NotificationClosed"));
        signal << id << quint32(3);
        m_bus.send(signal);
    }

private:
    QDBusConnection m_bus;
    quint32 m_lastId = 100;
};

} // namespace

class TestReminders : public QObject
{
    Q_OBJECT

private:
    QTranslator m_english;
    QTemporaryDir m_dir;
    LocalStore m_store;
    std::unique_ptr<FakeNotificationService> m_service;
    std::unique_ptr<MainWindow> m_window;
    QDateTime m_now;
    const QDate m_today = QDate::currentDate();

    QDateTime today(int hour, int minute, int second = 0) const
    {
        return QDateTime(m_today, QTime(hour, minute, second)).toUTC();
    }
    // Moves the clock and lets the service look, as its timer would.
    void lookAt(const QDateTime &now)
    {
        m_now = now;
        m_window->reminders()->check();
    }
    QString doseStatus(const QString &medication, int hour) const
    {
        for (const medication::ScheduledDose &d : medication::dosesOn(m_store, m_today)) {
            if (d.medicationName == medication && d.scheduledAt == today(hour, 0))
                return d.status.isEmpty() ? QStringLiteral("open") : d.status;
        }
        return QStringLiteral("not scheduled");
    }
    void addMedication(const QString &name, const QStringList &times)
    {
        QVERIFY(m_store
                    .create(QStringLiteral("medication"),
                            {{QStringLiteral("name"), name},
                             {QStringLiteral("dose"), 200},
                             {QStringLiteral("unit"), QStringLiteral("mg")},
                             {QStringLiteral("schedule"), times},
                             {QStringLiteral("start_date"), m_today.addDays(-1)}})
                    .ok());
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // The app's English plural forms, as hale loads them.
        const QString qm = qEnvironmentVariable("HALE_TEST_TRANSLATIONS");
        QVERIFY2(m_english.load(qm), qPrintable(QStringLiteral("cannot load ") + qm));
        QCoreApplication::installTranslator(&m_english);
        QDBusConnection bus = QDBusConnection::connectToBus(QDBusConnection::SessionBus,
                                                            QStringLiteral("fake-notifications"));
        QVERIFY2(bus.isConnected(), "no session bus: run under dbus-run-session");
        m_service = std::make_unique<FakeNotificationService>(bus);
        QVERIFY(bus.registerObject(kPath, m_service.get(), QDBusConnection::ExportAllSlots));
        QVERIFY(bus.registerService(kService));

        QVERIFY(m_store.open(m_dir.path()).ok());
        addMedication(QStringLiteral("Ibuprofen"),
                      {QStringLiteral("09:00"), QStringLiteral("13:00"), QStringLiteral("17:00")});
        m_window = std::make_unique<MainWindow>(&m_store, m_dir.path());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->reminders()->setClock([this] { return m_now; });
        m_now = today(8, 59, 50);
        m_window->reminders()->start();
        QTest::qWait(200);
        QVERIFY(m_service->shown.isEmpty());
    }

    void aDueDoseIsTakenFromItsNotification()
    {
        lookAt(today(9, 0, 5));
        QTRY_COMPARE(m_service->shown.size(), 1);
        const auto shown = m_service->shown.last();
        QCOMPARE(shown.summary, QStringLiteral("Time for Ibuprofen"));
        QVERIFY2(shown.body.contains(QStringLiteral("200 mg")), qPrintable(shown.body));
        for (const QString &action :
             {QStringLiteral("taken"), QStringLiteral("Taken"), QStringLiteral("skipped"),
              QStringLiteral("Skip"), QStringLiteral("snooze"),
              QStringLiteral("Remind me in 15 min")})
            QVERIFY2(shown.actions.contains(action), qPrintable(shown.actions.join(u',')));

        m_service->press(shown.id, QStringLiteral("taken"));
        QTRY_COMPARE(doseStatus(QStringLiteral("Ibuprofen"), 9), QStringLiteral("taken"));
        // The same write as Today's Take button: undoable, and Today says so.
        QCOMPARE(m_window->undoStack()->count(), 1);
        m_window->showPage(0);
        QAccessibleInterface *take = nullptr;
        QTRY_VERIFY((take = test::accessibleByName(m_window.get(),
                                                   QStringLiteral("Take Ibuprofen at 09:00"),
                                                   QAccessible::Button)));
        QVERIFY(take->state().disabled);
        QTRY_VERIFY(m_service->closed.contains(shown.id));
        QCOMPARE(m_window->reminders()->openNotifications(), 0);
    }

    void snoozingRemindsAgainAfterFifteenMinutes()
    {
        lookAt(today(13, 0, 5));
        QTRY_COMPARE(m_service->shown.size(), 2);
        m_service->press(m_service->shown.last().id, QStringLiteral("snooze"));
        QTRY_VERIFY(m_service->closed.contains(m_service->shown.last().id));
        QCOMPARE(doseStatus(QStringLiteral("Ibuprofen"), 13), QStringLiteral("open"));
        for (int minute = 2; minute <= 14; minute += 2) // the timer looks at least every minute
            lookAt(today(13, minute));
        QTest::qWait(200);
        QCOMPARE(m_service->shown.size(), 2);
        lookAt(today(13, 15, 10));
        QTRY_COMPARE(m_service->shown.size(), 3);
        QCOMPARE(m_service->shown.last().summary, QStringLiteral("Time for Ibuprofen"));

        // Taken with Today's button instead: the notification goes away.
        QAccessibleInterface *take = nullptr;
        QTRY_VERIFY((take = test::accessibleByName(m_window.get(),
                                                   QStringLiteral("Take Ibuprofen at 13:00"),
                                                   QAccessible::Button)));
        QVERIFY(test::doAccessibleAction(take, QAccessibleActionInterface::pressAction()));
        QTRY_COMPARE(doseStatus(QStringLiteral("Ibuprofen"), 13), QStringLiteral("taken"));
        QTRY_VERIFY(m_service->closed.contains(m_service->shown.last().id));
    }

    void aDoseLoggedBeforeItsTimeDoesNotRemind()
    {
        // As a dose taken on another device arrives: written to the store.
        const auto doses = medication::dosesOn(m_store, m_today);
        const auto evening = std::find_if(doses.cbegin(), doses.cend(), [this](const auto &d) {
            return d.scheduledAt == today(17, 0);
        });
        QVERIFY(evening != doses.cend());
        QVERIFY(medication::logDose(m_store, *evening, QStringLiteral("taken")).ok());
        lookAt(today(17, 0, 5));
        QTest::qWait(300);
        QCOMPARE(m_service->shown.size(), 3);
    }

    void whatFellDueDuringSleepIsShownOnceTogether()
    {
        addMedication(QStringLiteral("Vitamin D"),
                      {QStringLiteral("21:00"), QStringLiteral("21:30"), QStringLiteral("22:00")});
        lookAt(today(20, 59));
        lookAt(today(23, 0)); // two hours without a look: the computer slept
        QTRY_COMPARE(m_service->shown.size(), 4);
        QTest::qWait(300);
        QCOMPARE(m_service->shown.size(), 4);
        const auto summary = m_service->shown.last();
        QCOMPARE(summary.summary, QStringLiteral("3 reminders while the computer was asleep"));
        QCOMPARE(summary.body.count(QStringLiteral("Vitamin D")), 3);
        QVERIFY(!summary.actions.contains(QStringLiteral("taken")));
    }

    void aLoggingReminderChosenInSettingsOpensTheNewEntryDialog()
    {
        m_window->showPage(m_window->pageCount() - 1); // Settings
        QAccessibleInterface *weigh = test::accessibleByName(
            m_window.get(), QStringLiteral("Remind me to weigh myself at"), QAccessible::CheckBox);
        QVERIFY(weigh);
        QVERIFY(test::doAccessibleAction(weigh, QAccessibleActionInterface::toggleAction()));
        QVERIFY(weigh->state().checked);
        auto *time = test::byAccessibleName<QTimeEdit>(
            m_window.get(), QStringLiteral("Remind me to weigh myself at, time"));
        QVERIFY(time && time->isEnabled());
        time->setTime(QTime(7, 30));

        lookAt(today(7, 29));
        lookAt(today(7, 31));
        QTRY_COMPARE(m_service->shown.size(), 5);
        QCOMPARE(m_service->shown.last().summary, QStringLiteral("Time to weigh yourself"));
        QString dialogTitle;
        test::onNextDialog<RecordEditorDialog>([&](RecordEditorDialog *dialog) {
            dialogTitle = dialog->windowTitle();
            dialog->reject();
        });
        m_service->press(m_service->shown.last().id, QStringLiteral("log"));
        QTRY_VERIFY(!dialogTitle.isEmpty());
        QVERIFY2(dialogTitle.contains(QStringLiteral("Metric")), qPrintable(dialogTitle));
    }

    void startAtLoginWritesAndRemovesTheAutostartEntry()
    {
        m_window->showPage(m_window->pageCount() - 1);
        QAccessibleInterface *start = test::accessibleByName(
            m_window.get(), QStringLiteral("Start Hale when I log in"), QAccessible::CheckBox);
        QVERIFY(start);
        QVERIFY(!start->state().checked);
        QVERIFY(!QFile::exists(autostart::location()));
        QVERIFY(test::doAccessibleAction(start, QAccessibleActionInterface::toggleAction()));
        QFile entry(autostart::location());
        QVERIFY2(entry.open(QIODevice::ReadOnly), qPrintable(autostart::location()));
        const QString text = QString::fromUtf8(entry.readAll());
        QVERIFY2(text.contains(QStringLiteral("Exec=\"") + QCoreApplication::applicationFilePath() +
                               QStringLiteral("\" --hidden")),
                 qPrintable(text));
        QVERIFY(test::doAccessibleAction(start, QAccessibleActionInterface::toggleAction()));
        QVERIFY(!QFile::exists(autostart::location()));
    }

    void cleanupTestCase() { m_window.reset(); }
};

QTEST_MAIN(TestReminders)
#include "test_reminders.moc"
