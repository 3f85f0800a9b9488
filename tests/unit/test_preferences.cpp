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

    // Hidden screens are a set: each screen merges on its own across
    // devices. A screen this version does not know (a later one's) is left
    // out of what it acts on, and kept when this version saves.
    void hiddenScreensAreKeptAndAnUnknownOneSurvivesASave()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        preferences::Preferences p;
        p.hiddenScreens = {u"meals"_qs, u"journal"_qs};
        QVERIFY(preferences::save(store, p).ok());
        QCOMPARE(preferences::load(store).hiddenScreens, (QStringList{u"journal"_qs, u"meals"_qs}));
        const QString laterScreen = u"cycles"_qs;
        QVERIFY(store
                    .update(preferences::kKind, preferences::kRecordId,
                            {{u"hidden_screens"_qs,
                              QStringList{u"journal"_qs, u"meals"_qs, laterScreen}}})
                    .ok());
        p = preferences::load(store);
        QCOMPARE(p.hiddenScreens, (QStringList{u"journal"_qs, u"meals"_qs}));
        p.hiddenScreens = {u"meals"_qs};
        QVERIFY(preferences::save(store, p).ok());
        QCOMPARE(store.record(preferences::kKind, preferences::kRecordId)
                     ->value(u"hidden_screens"_qs)
                     .toStringList(),
                 (QStringList{laterScreen, u"meals"_qs}));
        p.hiddenScreens.clear();
        QVERIFY(preferences::save(store, p).ok());
        QVERIFY(preferences::load(store).hiddenScreens.isEmpty());
    }

    // Issue 18: blood glucose in mg/dL with metric units (or mmol/L with
    // imperial) is a choice of its own; until made it follows the units.
    void theGlucoseUnitIsChosenApartFromTheUnits()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.path()).ok());
        preferences::Preferences p = preferences::load(store);
        QVERIFY(!p.glucoseUnitChosen);
        QCOMPARE(preferences::unitsOr(p, UnitSystem::Imperial).glucose, GlucoseUnit::MgPerDl);
        p.unitsChosen = true; // metric
        p.units.glucose = GlucoseUnit::MgPerDl;
        p.glucoseUnitChosen = true;
        QVERIFY(preferences::save(store, p).ok());
        const preferences::Preferences back = preferences::load(store);
        QVERIFY(!back.units.imperial);
        QCOMPARE(back.units.glucose, GlucoseUnit::MgPerDl);
        QCOMPARE(units::format(5.5, u"mmol/L"_qs, back.units), QStringLiteral("99.1 mg/dL"));
        QCOMPARE(units::format(80, u"kg"_qs, back.units), QStringLiteral("80 kg"));
        // Switching to imperial keeps the glucose unit chosen.
        p = back;
        p.units.imperial = true;
        QVERIFY(preferences::save(store, p).ok());
        QCOMPARE(preferences::load(store).units, (UnitSystem{true, GlucoseUnit::MgPerDl}));
        p.units.glucose = GlucoseUnit::MmolPerL;
        QVERIFY(preferences::save(store, p).ok());
        const UnitSystem shown = preferences::unitsOr(preferences::load(store), UnitSystem::Metric);
        QVERIFY(shown.imperial);
        QCOMPARE(units::format(5.5, u"mmol/L"_qs, shown), QStringLiteral("5.5 mmol/L"));
        QCOMPARE(units::format(80, u"kg"_qs, shown), QStringLiteral("176.4 lb"));
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
