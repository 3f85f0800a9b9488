#include "ui/today_page.h"

#include "models/record_table_model.h"
#include "ui/medications_page.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace hale {

TodayPage::TodayPage(LocalStore *store, QUndoStack *undo, QWidget *parent)
    : QWidget(parent), m_store(store), m_refreshTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("today_page"));
    setAccessibleName(tr("Today"));
    m_heading = new QLabel(this);
    QFont big = m_heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_heading->setFont(big);

    m_logged = new QListWidget(this);
    m_logged->setAccessibleName(tr("Logged today"));
    m_logged->setWordWrap(true);
    m_logged->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_latest = new QLabel(this);
    m_latest->setAccessibleName(tr("Latest metrics"));
    m_latest->setTextFormat(Qt::RichText);
    m_latest->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_doses = new DueDosesPanel(store, undo, this);

    auto *loggedBox = new QGroupBox(tr("Logged today"), this);
    (new QVBoxLayout(loggedBox))->addWidget(m_logged);
    auto *latestBox = new QGroupBox(tr("Latest metrics"), this);
    (new QVBoxLayout(latestBox))->addWidget(m_latest);
    auto *dosesBox = new QGroupBox(tr("Medications"), this);
    (new QVBoxLayout(dosesBox))->addWidget(m_doses);

    auto *side = new QVBoxLayout;
    side->addWidget(latestBox);
    side->addWidget(dosesBox, 1);
    auto *columns = new QHBoxLayout;
    columns->addWidget(loggedBox, 3);
    columns->addLayout(side, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addLayout(columns, 1);

    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(200);
    connect(m_refreshTimer, &QTimer::timeout, this, &TodayPage::refresh);
    connect(store, &LocalStore::recordsChanged, this, [this] {
        if (isVisible())
            m_refreshTimer->start();
    });
}

void TodayPage::setUnitSystem(UnitSystem system)
{
    m_units = system;
    if (isVisible())
        refresh();
}

void TodayPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void TodayPage::refresh()
{
    const QLocale locale;
    const QDate today = QDate::currentDate();
    m_heading->setText(locale.toString(today, QLocale::LongFormat));

    m_logged->clear();
    RecordFilter todayOnly;
    todayOnly.from = today.startOfDay();
    todayOnly.to = today.addDays(1).startOfDay();
    todayOnly.descending = false;
    struct Line
    {
        QDateTime at;
        QString text;
    };
    QList<Line> lines;
    for (const QString &kindName : {QStringLiteral("metric"), QStringLiteral("meal"),
                                    QStringLiteral("exercise"), QStringLiteral("journal")}) {
        const KindSpec &kind = *SchemaRegistry::instance().kind(kindName);
        for (const Record &rec : m_store->records(kindName, todayOnly)) {
            QStringList parts;
            for (const FieldSpec &field : kind.fields) {
                if (field.name == kind.timeField || field.name == QLatin1String("notes") ||
                    rec.value(field.name).isNull())
                    continue;
                QString text = formatValue(field, rec.value(field.name), m_units);
                if (field.isNumeric() && !field.unit.isEmpty())
                    text += QLatin1Char(' ') + units::displayUnit(field.unit, m_units);
                parts << (field.isNumeric() ? field.displayLabel() + QLatin1Char(' ') + text
                                            : text);
            }
            const QDateTime at = kind.field(kind.timeField)->type == FieldType::Date
                                     ? rec.createdAt
                                     : rec.value(kind.timeField).toDateTime();
            lines.append({at, QStringLiteral("%1  %2: %3")
                                  .arg(at.toLocalTime().time().toString(QStringLiteral("HH:mm")),
                                       kind.displaySingular(), parts.join(QStringLiteral(", ")))});
        }
    }
    std::sort(lines.begin(), lines.end(), [](const Line &a, const Line &b) { return a.at < b.at; });
    for (const Line &line : lines)
        m_logged->addItem(line.text);
    if (lines.isEmpty())
        m_logged->addItem(
            tr("Nothing logged yet today. Press Ctrl+N on any screen to add an entry."));

    // The newest value of each metric, from the latest few hundred entries.
    const KindSpec *metric = SchemaRegistry::instance().kind(QStringLiteral("metric"));
    RecordFilter recent;
    recent.limit = 300;
    const QList<Record> latest = m_store->records(metric->name, recent);
    QStringList rows;
    for (const QString &name : {QStringLiteral("weight"), QStringLiteral("resting_heart_rate"),
                                QStringLiteral("sleep_quality"), QStringLiteral("energy_level")}) {
        const FieldSpec *field = metric->field(name);
        for (const Record &rec : latest) {
            if (rec.value(name).isNull())
                continue;
            const QString value =
                field->unit.isEmpty()
                    ? locale.toString(rec.value(name).toDouble())
                    : units::format(rec.value(name).toDouble(), field->unit, m_units);
            rows << QStringLiteral("<tr><td>%1</td><td><b>%2</b></td><td>%3</td></tr>")
                        .arg(field->displayLabel().toHtmlEscaped(), value.toHtmlEscaped(),
                             locale.toString(
                                 rec.value(metric->timeField).toDateTime().toLocalTime().date(),
                                 QLocale::ShortFormat));
            break;
        }
    }
    m_latest->setText(
        rows.isEmpty()
            ? tr("No metrics logged yet.")
            : QStringLiteral("<table cellspacing=6>%1</table>").arg(rows.join(QString())));
    m_doses->refresh();
}

} // namespace hale
