#include "models/preferences.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hale;

// Issue 18: the choices that follow the person are one record, written field
// by field, so that another device's choices of other fields keep their
// stamps and merge.
class TestPreferences : public QObject
{
    Q_OBJECT

private slots:
    void defaultsUntilChosenThenWhatWasChosen()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        preferences::Preferences p = preferences::load(store);
        QVERIFY(!p.unitsChosen);
        QVERIFY(p.doseReminders);
        QVERIFY(p.remindAt.isEmpty());

        p.units = UnitSystem::Imperial;
        p.unitsChosen = true;
        p.remindAt.insert(QStringLiteral("metric"), QTime(7, 45));
        QVERIFY(preferences::save(store, p).ok());
        const preferences::Preferences back = preferences::load(store);
        QVERIFY(back.unitsChosen);
        QCOMPARE(back.units, UnitSystem::Imperial);
        QCOMPARE(back.remindAt.value(QStringLiteral("metric")), QTime(7, 45));
        QCOMPARE(store.count(preferences::kKind), 1);
        QCOMPARE(store.record(preferences::kKind, preferences::kRecordId)->id,
                 preferences::kRecordId);
    }

    void onlyWhatChangedIsWritten()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        preferences::Preferences p;
        p.unitsChosen = true;
        QVERIFY(preferences::save(store, p).ok());
        const auto before = *store.state(preferences::kKind, preferences::kRecordId);
        p.doseReminders = false;
        QVERIFY(preferences::save(store, p).ok());
        const auto after = *store.state(preferences::kKind, preferences::kRecordId);
        QCOMPARE(after.fields.value(QStringLiteral("units")).stamp,
                 before.fields.value(QStringLiteral("units")).stamp);
        QVERIFY(after.fields.value(QStringLiteral("dose_reminders")).stamp !=
                before.fields.value(QStringLiteral("dose_reminders")).stamp);
        // Nothing changed: nothing written, nothing queued again.
        const int queued = store.pendingChangeCount();
        QVERIFY(store.acknowledgeAll(store.pendingChanges()) >= 0);
        QVERIFY(preferences::save(store, p).ok());
        QCOMPARE(store.pendingChangeCount(), 0);
        QVERIFY(queued > 0);
    }

    void aTimeThatIsNotOneIsRefused()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        const WriteResult r =
            store.create(preferences::kKind,
                         {{QStringLiteral("changed_on"), QDate::currentDate()},
                          {QStringLiteral("remind_meal_at"), QStringLiteral("25:99")}},
                         preferences::kRecordId);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.value(0).field, QStringLiteral("remind_meal_at"));
    }
};

QTEST_GUILESS_MAIN(TestPreferences)
#include "test_preferences.moc"
