#include "models/apple_health_import.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>
#include <QXmlStreamReader>
#include <cmath>

namespace hale::imports {

namespace {

// The namespace of the samples' name-based ids.
const QUuid kNamespace = QUuid(QStringLiteral("{5a1c6f0e-9f3b-4c1e-8d57-2b6a3e9c4f10}"));
constexpr int kBatch = 2000;

// "2023-04-01 08:15:00 +0200"
QDateTime parseDate(QStringView text)
{
    static const QRegularExpression re(
        QStringLiteral("^(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}) ([+-])(\\d{2})(\\d{2})$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return {};
    const QDate date = QDate::fromString(m.captured(1), Qt::ISODate);
    const QTime time = QTime::fromString(m.captured(2), QStringLiteral("HH:mm:ss"));
    const int offset = (m.captured(4).toInt() * 3600 + m.captured(5).toInt() * 60) *
                       (m.captured(3) == QLatin1String("-") ? -1 : 1);
    const QDateTime at(date, time, QTimeZone(offset));
    return at.isValid() ? at.toUTC() : QDateTime();
}

// "HKWorkoutActivityTypeTraditionalStrengthTraining" -> "Traditional strength training"
QString activityName(QString type)
{
    type.remove(QStringLiteral("HKWorkoutActivityType"));
    QString out;
    for (qsizetype i = 0; i < type.size(); ++i) {
        if (i > 0 && type.at(i).isUpper())
            out += QLatin1Char(' ');
        out += i > 0 ? type.at(i).toLower() : type.at(i);
    }
    return out.isEmpty() ? QStringLiteral("Workout") : out;
}

double toKilograms(double value, QStringView unit)
{
    if (unit == u"lb")
        return value * 0.45359237;
    if (unit == u"g")
        return value / 1000;
    return value;
}

struct SleepSpan
{
    QDateTime start;
    QDateTime end;
};

class Importer
{
public:
    Importer(LocalStore &store, QIODevice &xml, const std::function<bool(qint64, qint64)> &progress)
        : m_store(store), m_xml(&xml), m_device(xml), m_progress(progress)
    {
    }

    Summary run()
    {
        // In batches of writes, each its own transaction: a cancelled or
        // failed import keeps what it read.
        bool more = true;
        while (more && !m_summary.cancelled) {
            m_pending = 0;
            m_store.runInTransaction([&] {
                more = readSome();
                return true;
            });
        }
        if (m_xml.hasError() && !m_summary.cancelled)
            m_summary.error = QCoreApplication::translate("Import", "Not a readable Apple Health "
                                                                    "export (line %1): %2")
                                  .arg(m_xml.lineNumber())
                                  .arg(m_xml.errorString());
        if (!m_summary.cancelled)
            m_store.runInTransaction([&] {
                flushSleep();
                return true;
            });
        return m_summary;
    }

private:
    // Reads until a batch is written or the file ends; whether there is more.
    bool readSome()
    {
        while (!m_xml.atEnd() && m_pending < kBatch) {
            if (m_xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            const QStringView name = m_xml.name();
            if (name == u"Record")
                record(m_xml.attributes());
            else if (name == u"Correlation")
                correlation();
            else if (name == u"Workout")
                workout(m_xml.attributes());
            if (++m_elements % 1000 == 0 && m_progress &&
                !m_progress(m_device.pos(), m_device.size())) {
                m_summary.cancelled = true;
                return false;
            }
        }
        return !m_xml.atEnd();
    }

    void skip(const QString &why) { ++m_summary.skipped[why]; }

    void add(const QString &kind, const QVariantMap &values, const QString &identity)
    {
        const int before = m_summary.added;
        addImported(m_store, m_summary, kNamespace, kind, values, identity);
        m_pending += m_summary.added - before;
    }

    static QString identity(const QXmlStreamAttributes &a)
    {
        return QStringLiteral("apple-health|%1|%2|%3|%4|%5")
            .arg(a.value(QLatin1String("type")), a.value(QLatin1String("sourceName")),
                 a.value(QLatin1String("startDate")), a.value(QLatin1String("endDate")),
                 a.value(QLatin1String("value")));
    }

    void record(const QXmlStreamAttributes &a)
    {
        const QStringView type = a.value(QLatin1String("type"));
        const QDateTime at = parseDate(a.value(QLatin1String("startDate")));
        bool numeric = false;
        const double value = a.value(QLatin1String("value")).toDouble(&numeric);
        auto metric = [&](const QString &field, const QVariant &v) {
            if (!at.isValid())
                return skip(QStringLiteral("a date Hale cannot read"));
            add(QStringLiteral("metric"), {{QStringLiteral("recorded_at"), at}, {field, v}},
                identity(a));
        };
        if (type == u"HKCategoryTypeIdentifierSleepAnalysis") {
            // Asleep (any stage), not merely in bed; nights are put together
            // from their pieces at the end.
            if (a.value(QLatin1String("value")).contains(u"Asleep")) {
                const QDateTime end = parseDate(a.value(QLatin1String("endDate")));
                if (at.isValid() && end > at)
                    m_sleep.append({at, end});
            } else {
                skip(QStringLiteral("time in bed (Hale keeps time asleep)"));
            }
            return;
        }
        if (!numeric)
            return skip(QStringLiteral("%1 without a number").arg(type.toString()));
        const QStringView unit = a.value(QLatin1String("unit"));
        if (type == u"HKQuantityTypeIdentifierBodyMass")
            metric(QStringLiteral("weight"), toKilograms(value, unit));
        else if (type == u"HKQuantityTypeIdentifierRestingHeartRate")
            metric(QStringLiteral("resting_heart_rate"), qRound(value));
        else if (type == u"HKQuantityTypeIdentifierHeartRate")
            metric(QStringLiteral("pulse"), qRound(value));
        else if (type == u"HKQuantityTypeIdentifierStepCount")
            metric(QStringLiteral("steps"), qRound(value));
        else if (type == u"HKQuantityTypeIdentifierBodyFatPercentage")
            metric(QStringLiteral("body_fat"), value <= 1 ? value * 100 : value);
        else if (type == u"HKQuantityTypeIdentifierDietaryWater")
            metric(QStringLiteral("water"), unit == u"L" ? value * 1000 : value);
        else if (type == u"HKQuantityTypeIdentifierBloodGlucose")
            glucose(a, at, unit.startsWith(u"mg") ? value / 18.0156 : value); // else mmol/L
        else
            skip(QStringLiteral("%1 (not tracked by Hale)").arg(type.toString()));
    }

    // A glucose reading, with when it was taken from its metadata
    // (HKBloodGlucoseMealTime: 1 before a meal, 2 after one).
    void glucose(const QXmlStreamAttributes &a, const QDateTime &at, double mmol)
    {
        QString context;
        while (m_xml.readNextStartElement()) {
            if (m_xml.name() == u"MetadataEntry" &&
                m_xml.attributes().value(QLatin1String("key")) == u"HKBloodGlucoseMealTime") {
                const QStringView meal = m_xml.attributes().value(QLatin1String("value"));
                context = meal == u"1"   ? QStringLiteral("before_meal")
                          : meal == u"2" ? QStringLiteral("after_meal")
                                         : QString();
            }
            m_xml.skipCurrentElement();
        }
        if (!at.isValid())
            return skip(QStringLiteral("a date Hale cannot read"));
        QVariantMap values{{QStringLiteral("recorded_at"), at}, {QStringLiteral("glucose"), mmol}};
        if (!context.isEmpty())
            values.insert(QStringLiteral("glucose_context"), context);
        add(QStringLiteral("metric"), values, identity(a));
    }

    // A blood pressure: its systolic and diastolic records together.
    void correlation()
    {
        const QXmlStreamAttributes outer = m_xml.attributes();
        if (outer.value(QLatin1String("type")) != u"HKCorrelationTypeIdentifierBloodPressure") {
            skip(QStringLiteral("%1 (not tracked by Hale)")
                     .arg(outer.value(QLatin1String("type")).toString()));
            m_xml.skipCurrentElement();
            return;
        }
        QVariant systolic;
        QVariant diastolic;
        while (m_xml.readNextStartElement()) {
            if (m_xml.name() == u"Record") {
                const QXmlStreamAttributes a = m_xml.attributes();
                const int v = qRound(a.value(QLatin1String("value")).toDouble());
                if (a.value(QLatin1String("type")) ==
                    u"HKQuantityTypeIdentifierBloodPressureSystolic")
                    systolic = v;
                else if (a.value(QLatin1String("type")) ==
                         u"HKQuantityTypeIdentifierBloodPressureDiastolic")
                    diastolic = v;
            }
            m_xml.skipCurrentElement();
        }
        const QDateTime at = parseDate(outer.value(QLatin1String("startDate")));
        if (!at.isValid() || systolic.isNull() || diastolic.isNull())
            return skip(QStringLiteral("a blood pressure without both numbers"));
        add(QStringLiteral("metric"),
            {{QStringLiteral("recorded_at"), at},
             {QStringLiteral("systolic"), systolic},
             {QStringLiteral("diastolic"), diastolic}},
            QStringLiteral("apple-health|bp|%1|%2|%3|%4")
                .arg(outer.value(QLatin1String("sourceName")),
                     outer.value(QLatin1String("startDate")), systolic.toString(),
                     diastolic.toString()));
    }

    void workout(const QXmlStreamAttributes &a)
    {
        const QDateTime at = parseDate(a.value(QLatin1String("startDate")));
        const QDateTime end = parseDate(a.value(QLatin1String("endDate")));
        if (!at.isValid())
            return skip(QStringLiteral("a date Hale cannot read"));
        QVariantMap values{
            {QStringLiteral("performed_at"), at},
            {QStringLiteral("activity"),
             activityName(a.value(QLatin1String("workoutActivityType")).toString())}};
        bool ok = false;
        double minutes = a.value(QLatin1String("duration")).toDouble(&ok);
        if (ok && a.value(QLatin1String("durationUnit")) == u"s")
            minutes /= 60;
        if (!ok && end > at)
            minutes = double(at.secsTo(end)) / 60;
        values.insert(QStringLiteral("duration"), std::round(minutes * 10) / 10);
        if (const double km = a.value(QLatin1String("totalDistance")).toDouble(&ok); ok && km > 0)
            values.insert(QStringLiteral("distance"),
                          a.value(QLatin1String("totalDistanceUnit")) == u"mi" ? km * 1.609344
                                                                               : km);
        if (const double kcal = a.value(QLatin1String("totalEnergyBurned")).toDouble(&ok);
            ok && kcal > 0)
            values.insert(QStringLiteral("calories"), kcal);
        add(QStringLiteral("exercise"), values,
            QStringLiteral("apple-health|workout|%1|%2|%3|%4")
                .arg(a.value(QLatin1String("workoutActivityType")),
                     a.value(QLatin1String("sourceName")), a.value(QLatin1String("startDate")),
                     a.value(QLatin1String("endDate"))));
    }

    // Pieces of sleep less than an hour apart make one night.
    void flushSleep()
    {
        std::sort(m_sleep.begin(), m_sleep.end(),
                  [](const SleepSpan &x, const SleepSpan &y) { return x.start < y.start; });
        for (qsizetype i = 0; i < m_sleep.size();) {
            SleepSpan night = m_sleep.at(i++);
            while (i < m_sleep.size() && m_sleep.at(i).start <= night.end.addSecs(3600)) {
                night.end = std::max(night.end, m_sleep.at(i).end);
                ++i;
            }
            add(QStringLiteral("metric"),
                {{QStringLiteral("recorded_at"), night.end},
                 {QStringLiteral("bedtime"), night.start},
                 {QStringLiteral("wake_time"), night.end}},
                QStringLiteral("apple-health|sleep|%1|%2")
                    .arg(night.start.toString(Qt::ISODate), night.end.toString(Qt::ISODate)));
        }
    }

    LocalStore &m_store;
    QXmlStreamReader m_xml;
    QIODevice &m_device;
    const std::function<bool(qint64, qint64)> &m_progress;
    Summary m_summary;
    QList<SleepSpan> m_sleep;
    qint64 m_elements = 0;
    int m_pending = 0;
};

} // namespace

bool looksLikeAppleHealth(const QByteArray &head)
{
    return head.contains("<HealthData");
}

Summary importAppleHealth(LocalStore &store, QIODevice &xml,
                          const std::function<bool(qint64, qint64)> &progress)
{
    return Importer(store, xml, progress).run();
}

} // namespace hale::imports
