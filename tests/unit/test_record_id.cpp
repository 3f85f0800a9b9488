// New records' ids: UUIDs of version 7 that sort in the order they were made.
#include "sync/core/record_id.h"

#include <QTest>
#include <QUuid>

using namespace hale::sync;

class TestRecordId : public QObject
{
    Q_OBJECT

private slots:
    void anIdIsAVersion7UuidThatCarriesItsMoment()
    {
        const qint64 ms =
            QDateTime(QDate(2026, 12, 3), QTime(18, 4, 5, 678), Qt::UTC).toMSecsSinceEpoch();
        for (int i = 0; i < 1000; ++i) {
            const QString text = newRecordId(ms);
            const QUuid id = QUuid::fromString(text);
            QVERIFY2(!id.isNull(), qPrintable(text));
            QCOMPARE(text, id.toString(QUuid::WithoutBraces)); // canonical: what the server keeps
            QCOMPARE(id.data3 >> 12, 7); // the version (Qt 6.4's version() knows up to 5)
            QCOMPARE(id.variant(), QUuid::DCE);
            const qint64 carried = (qint64(id.data1) << 16) | id.data2;
            QCOMPARE(carried, ms);
        }
    }

    void idsMadeLaterSortLater()
    {
        QString previous;
        const qint64 start = 1'790'000'000'000;
        for (qint64 ms = start; ms < start + 5000; ms += 7) {
            const QString id = newRecordId(ms);
            QVERIFY2(id > previous, qPrintable(previous + QLatin1String(" ") + id));
            previous = id;
        }
    }

    void theRandomBitsMakeIdsOfOneMomentDifferentAndAreUsedAsGiven()
    {
        QSet<QString> seen;
        for (int i = 0; i < 10'000; ++i)
            seen.insert(newRecordId(1'790'000'000'000));
        QCOMPARE(seen.size(), 10'000);
        QCOMPARE(newRecordId(1'790'000'000'000, 1, 2, 3), newRecordId(1'790'000'000'000, 1, 2, 3));
        QVERIFY(newRecordId(1'790'000'000'000, 1, 2, 3) != newRecordId(1'790'000'000'000, 1, 2, 4));
        QVERIFY(newRecordId(1'790'000'000'000, 1, 2, 3) != newRecordId(1'790'000'000'000, 0, 2, 3));
    }
};

QTEST_GUILESS_MAIN(TestRecordId)
#include "test_record_id.moc"
