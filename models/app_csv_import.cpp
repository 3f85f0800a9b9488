#include "models/app_csv_import.h"

#include "models/import_export.h"

#include <QCoreApplication>
#include <QUuid>

namespace hale::imports {

namespace {

const QUuid kNamespace = QUuid(QStringLiteral("{0d9f3a6e-4b1c-4f7a-9e25-7c3b8a1d6e42}"));

QStringList headerOf(const QByteArray &head)
{
    const QByteArray first = head.left(head.indexOf('\n')).trimmed();
    QStringList names;
    for (const QByteArray &cell : first.split(','))
        names << QString::fromUtf8(cell).remove(QLatin1Char('"')).trimmed().toLower();
    if (!names.isEmpty() && names.first().startsWith(QChar(0xFEFF)))
        names.first().remove(0, 1);
    return names;
}

class CsvImporter
{
public:
    CsvImporter(LocalStore &store, const QStringList &header, Summary &summary)
        : m_store(store), m_header(header), m_summary(summary)
    {
    }

    QString cell(const QStringList &row, const QString &column) const
    {
        const qsizetype i = m_header.indexOf(column);
        return i >= 0 ? row.value(i).trimmed() : QString();
    }

    // A positive number from a cell; apps write 0 or nothing for "none".
    QVariant positive(const QStringList &row, const QString &column) const
    {
        bool ok = false;
        const double v = cell(row, column).toDouble(&ok);
        return ok && v > 0 ? QVariant(v) : QVariant();
    }

    void add(const QVariantMap &values, const QString &identity)
    {
        addImported(m_store, m_summary, kNamespace, QStringLiteral("metric"), values, identity);
    }

    void openScale(const QStringList &row)
    {
        const QString when = cell(row, QStringLiteral("datetime"));
        QDateTime at = QDateTime::fromString(when, QStringLiteral("yyyy-MM-dd HH:mm"));
        if (!at.isValid())
            at = QDateTime::fromString(when, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        if (!at.isValid()) {
            ++m_summary.skipped[QStringLiteral("a date Hale cannot read")];
            return;
        }
        QVariantMap values{{QStringLiteral("recorded_at"), at.toUTC()}};
        if (const QVariant kg = positive(row, QStringLiteral("weight")); !kg.isNull())
            values.insert(QStringLiteral("weight"), kg);
        if (const QVariant fat = positive(row, QStringLiteral("fat")); !fat.isNull())
            values.insert(QStringLiteral("body_fat"), fat);
        QVariantMap measured;
        for (const auto &[column, name] :
             {std::pair{"waist", "waist"}, std::pair{"hip", "hips"}, std::pair{"chest", "chest"},
              std::pair{"thigh", "thigh"}, std::pair{"biceps", "biceps"},
              std::pair{"neck", "neck"}}) {
            if (const QVariant cm = positive(row, QLatin1String(column)); !cm.isNull())
                measured.insert(QLatin1String(name), cm);
        }
        if (!measured.isEmpty())
            values.insert(QStringLiteral("body_measurements"), measured);
        if (const QString comment = cell(row, QStringLiteral("comment")); !comment.isEmpty())
            values.insert(QStringLiteral("notes"), comment);
        if (values.size() == 1) {
            ++m_summary.skipped[QStringLiteral("a row without a value")];
            return;
        }
        add(values,
            QStringLiteral("openscale|%1|%2").arg(when, cell(row, QStringLiteral("weight"))));
    }

    void googleFit(const QStringList &row)
    {
        const QDate day = QDate::fromString(cell(row, QStringLiteral("date")), Qt::ISODate);
        if (!day.isValid()) {
            ++m_summary.skipped[QStringLiteral("a date Hale cannot read")];
            return;
        }
        googleFitDay(day, positive(row, QStringLiteral("step count")).toDouble(),
                     positive(row, QStringLiteral("average weight (kg)")));
    }

    // A day file's quarter hours, summed: the steps, and the weight's mean.
    void googleFitDay(const QDate &day, const QList<QStringList> &rows)
    {
        double steps = 0;
        double weights = 0;
        int weighed = 0;
        for (qsizetype i = 1; i < rows.size(); ++i) {
            steps += positive(rows.at(i), QStringLiteral("step count")).toDouble();
            if (const QVariant kg = positive(rows.at(i), QStringLiteral("average weight (kg)"));
                !kg.isNull()) {
                weights += kg.toDouble();
                ++weighed;
            }
        }
        googleFitDay(day, steps, weighed > 0 ? QVariant(weights / weighed) : QVariant());
    }

    // A day's totals, placed at its noon; the same entry from the summary or
    // the day's file.
    void googleFitDay(const QDate &day, double steps, const QVariant &kg)
    {
        QVariantMap values{{QStringLiteral("recorded_at"), QDateTime(day, QTime(12, 0)).toUTC()}};
        if (steps > 0)
            values.insert(QStringLiteral("steps"), qRound(steps));
        if (!kg.isNull())
            values.insert(QStringLiteral("weight"), kg);
        if (values.size() == 1) {
            ++m_summary.skipped[QStringLiteral("a day without steps or weight")];
            return;
        }
        add(values, QStringLiteral("google-fit|%1").arg(day.toString(Qt::ISODate)));
    }

private:
    LocalStore &m_store;
    QStringList m_header;
    Summary &m_summary;
};

} // namespace

CsvSource recogniseCsv(const QByteArray &head)
{
    const QStringList header = headerOf(head);
    if (header.contains(QStringLiteral("datetime")) && header.contains(QStringLiteral("weight")))
        return CsvSource::OpenScale;
    const bool activity = header.contains(QStringLiteral("step count")) ||
                          header.contains(QStringLiteral("move minutes count"));
    if (activity && header.value(0) == QLatin1String("date"))
        return CsvSource::GoogleFit;
    if (activity && header.value(0) == QLatin1String("start time") &&
        header.value(1) == QLatin1String("end time"))
        return CsvSource::GoogleFitDay;
    return CsvSource::None;
}

Summary importAppCsv(LocalStore &store, const QByteArray &data, const QDate &day)
{
    Summary summary;
    const CsvSource source = recogniseCsv(data.left(4096));
    QList<QStringList> rows;
    if (source == CsvSource::None) {
        summary.error = QCoreApplication::translate(
            "Import", "Not a CSV export Hale recognises (openScale, Google Fit daily summaries).");
        return summary;
    }
    if (source == CsvSource::GoogleFitDay && !day.isValid()) {
        summary.error = QCoreApplication::translate(
            "Import", "A Google Fit file of one day is named by its date (2026-11-20.csv), "
                      "which says which day it covers; give it back its name and import it "
                      "again.");
        return summary;
    }
    if (const ImportResult read = ImportExport::parseCsv(data, &rows); !read.ok) {
        summary.error = read.message();
        return summary;
    }
    CsvImporter importer(store, headerOf(data.left(4096)), summary);
    store.runInTransaction([&] {
        if (source == CsvSource::GoogleFitDay) {
            importer.googleFitDay(day, rows);
            return true;
        }
        for (qsizetype i = 1; i < rows.size(); ++i) {
            if (source == CsvSource::OpenScale)
                importer.openScale(rows.at(i));
            else
                importer.googleFit(rows.at(i));
        }
        return true;
    });
    return summary;
}

} // namespace hale::imports
