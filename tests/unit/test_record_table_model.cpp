#include "models/record_table_model.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

using namespace hale;

class TestRecordTableModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    LocalStore m_store;

private slots:
    void initTestCase()
    {
        QVERIFY(m_store.open(m_dir.path()).ok());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(m_store.runInTransaction([&] {
            for (int i = 0; i < 1000; ++i) {
                const QVariantMap values{
                    {QStringLiteral("recorded_at"), now.addSecs(-3600 * i)},
                    {QStringLiteral("weight"), 60.0 + (i % 40)},
                    {QStringLiteral("notes"), i == 500 ? QStringLiteral("rare") : QString()}};
                if (!m_store.create(QStringLiteral("metric"), values).ok())
                    return false;
            }
            return true;
        }));
    }

    void loadsPageByPageAndPassesTheModelTester()
    {
        RecordTableModel model(&m_store, QStringLiteral("metric"));
        QCOMPARE(model.rowCount(), RecordTableModel::kPageSize);
        QVERIFY(model.canFetchMore({}));
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(model.matchingCount(), 1000);
        // Newest first by default.
        QVERIFY(model.recordAt(0)->value(QStringLiteral("recorded_at")).toDateTime() >
                model.recordAt(1)->value(QStringLiteral("recorded_at")).toDateTime());
    }

    void sortsInSql()
    {
        RecordTableModel model(&m_store, QStringLiteral("metric"));
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int weight = model.kind().indexOf(QStringLiteral("weight"));
        model.sort(weight, Qt::DescendingOrder);
        QCOMPARE(model.index(0, weight).data(RecordTableModel::RawValueRole).toDouble(), 99.0);
        model.sort(weight, Qt::AscendingOrder);
        QCOMPARE(model.index(0, weight).data(RecordTableModel::RawValueRole).toDouble(), 60.0);
        QCOMPARE(model.index(0, weight).data().toString(), QStringLiteral("60"));
    }

    void searchAndDateRangeFilter()
    {
        RecordTableModel model(&m_store, QStringLiteral("metric"));
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSearch(QStringLiteral("RARE"));
        QCOMPARE(model.rowCount(), 1);
        model.setSearch(QString());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        model.setDateRange(now.addSecs(-3600 * 10 - 1), now.addSecs(1));
        QCOMPARE(model.rowCount(), 11);
        QCOMPARE(model.matchingCount(), 11);
    }

    void followsStoreWritesAndUnits()
    {
        RecordTableModel model(&m_store, QStringLiteral("metric"));
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString id = model.idAt(0);
        QVERIFY(
            m_store.update(QStringLiteral("metric"), id, {{QStringLiteral("weight"), 80.0}}).ok());
        const int weight = model.kind().indexOf(QStringLiteral("weight"));
        QCOMPARE(model.index(model.rowOf(id), weight).data().toString(), QStringLiteral("80"));
        model.setUnitSystem(UnitSystem::Imperial);
        QCOMPARE(model.index(model.rowOf(id), weight).data().toString(),
                 QLocale().toString(176.4, 'f', 1));
        QVERIFY(m_store.remove(QStringLiteral("metric"), id).ok());
        QCOMPARE(model.rowOf(id), -1);
        QVERIFY(m_store.restore(QStringLiteral("metric"), id).ok());
    }
};

QTEST_GUILESS_MAIN(TestRecordTableModel)
#include "test_record_table_model.moc"
