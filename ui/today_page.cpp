#include "ui/today_page.h"

#include "models/goals.h"
#include "models/own_measures.h"
#include "models/record_table_model.h"
#include "models/trends.h"
#include "ui/charts/sparkline.h"
#include "ui/medications_page.h"
#include "ui/record_commands.h"
#include "ui/record_editor_dialog.h"

#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

namespace hale {

TodayPage::TodayPage(LocalStore *store, QUndoStack *undo, QWidget *parent)
    : QWidget(parent), m_store(store), m_undo(undo), m_refreshTimer(new QTimer(this))
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

    m_cardRow = new QWidget(this);
    new QHBoxLayout(m_cardRow);
    m_cardRow->layout()->setContentsMargins(0, 0, 0, 0);
    m_weightCard = addCard(tr("Weight"));
    m_weightLine = new Sparkline(m_weightCard.frame);
    m_weightLine->setAccessibleName(tr("Weight, last 30 days"));
    m_weightCard.frame->layout()->addWidget(m_weightLine);
    m_foodCard = addCard(tr("Eaten today"));
    m_dosesCard = addCard(tr("Doses today"));
    m_goalsCard = addCard(tr("Goals"));
    auto *editGoals = new QPushButton(tr("Edit &goals…"), m_goalsCard.frame);
    editGoals->setAccessibleName(tr("Edit goals"));
    static_cast<QVBoxLayout *>(m_goalsCard.frame->layout())->insertWidget(3, editGoals);
    connect(editGoals, &QPushButton::clicked, this, &TodayPage::editGoals);
    m_syncCard = addCard(tr("Sync"));
    m_syncCard.frame->hide();

    // A person who comes from another app starts by bringing their data.
    auto *welcome = new QFrame(this);
    welcome->setFrameShape(QFrame::StyledPanel);
    welcome->setAccessibleName(tr("Welcome"));
    auto *welcomeText = new QLabel(tr("Welcome to Hale. Everything you log stays on this "
                                      "computer. Start with Ctrl+N on any screen, or bring what "
                                      "you already have:"),
                                   welcome);
    welcomeText->setWordWrap(true);
    auto *fromApp = new QPushButton(tr("Import from Another &App…"), welcome);
    fromApp->setAccessibleName(tr("Import from another app"));
    fromApp->setToolTip(tr("Apple Health, openScale or Google Fit"));
    auto *fromBackup = new QPushButton(tr("Restore a &Backup…"), welcome);
    fromBackup->setAccessibleName(tr("Restore a backup"));
    auto *welcomeLayout = new QHBoxLayout(welcome);
    welcomeLayout->addWidget(welcomeText, 1);
    welcomeLayout->addWidget(fromApp);
    welcomeLayout->addWidget(fromBackup);
    connect(fromApp, &QPushButton::clicked, this, &TodayPage::importFromAppRequested);
    connect(fromBackup, &QPushButton::clicked, this, &TodayPage::restoreBackupRequested);
    m_welcome = welcome;
    m_welcome->hide();

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
    layout->addWidget(m_welcome);
    layout->addWidget(m_cardRow);
    layout->addLayout(columns, 1);

    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(200);
    connect(m_refreshTimer, &QTimer::timeout, this, &TodayPage::refresh);
    connect(store, &LocalStore::recordsChanged, this, [this] {
        if (isVisible())
            m_refreshTimer->start();
    });
}

TodayPage::Card TodayPage::addCard(const QString &title)
{
    Card card;
    card.frame = new QFrame(m_cardRow);
    card.frame->setFrameShape(QFrame::StyledPanel);
    card.frame->setAutoFillBackground(true);
    card.frame->setBackgroundRole(QPalette::Base);
    card.frame->setAccessibleName(title);
    auto *heading = new QLabel(title, card.frame);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    card.value = new QLabel(card.frame);
    QFont big = card.value->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    card.value->setFont(big);
    card.detail = new QLabel(card.frame);
    card.detail->setWordWrap(true);
    for (QLabel *label : {heading, card.value, card.detail})
        label->setForegroundRole(QPalette::Text); // drawn on the card's Base
    auto *layout = new QVBoxLayout(card.frame);
    layout->addWidget(heading);
    layout->addWidget(card.value);
    layout->addWidget(card.detail);
    layout->addStretch(1);
    m_cardRow->layout()->addWidget(card.frame);
    return card;
}

void TodayPage::setSyncSummary(const QString &headline, const QString &detail)
{
    m_syncCard.value->setText(headline);
    m_syncCard.detail->setText(detail);
    m_syncCard.frame->show();
}

void TodayPage::refreshWeight()
{
    const QDate today = QDate::currentDate();
    const QList<trends::DailyPoint> days = trends::daily(
        *m_store, QStringLiteral("metric"), QStringLiteral("weight"), trends::Aggregate::Average,
        today.addDays(-29).startOfDay(), today.addDays(1).startOfDay());
    m_weightLine->setVisible(days.size() > 1);
    if (days.isEmpty()) {
        m_weightCard.value->setText(QStringLiteral("—"));
        m_weightCard.detail->setText(tr("No weight logged in the last 30 days."));
        return;
    }
    const QString kg = QStringLiteral("kg");
    auto shown = [&](double value) {
        return units::format(value, kg, m_units);
    };
    m_weightCard.value->setText(shown(days.last().value));
    QList<double> line;
    for (const trends::DailyPoint &p : days)
        line << units::toDisplay(p.value, kg, m_units);
    m_weightLine->setValues(line);
    m_weightLine->setAccessibleDescription(
        tr("Weight over the last 30 days, from %1 to %2.")
            .arg(shown(days.first().value), shown(days.last().value)));
    // The 7-day average now against a week before: the trend without the
    // day-to-day noise of water and meals.
    const QList<trends::DailyPoint> average = trends::movingAverage(days, 7);
    QString detail = tr("7-day average %1").arg(shown(average.last().value));
    const QDate weekBefore = average.last().day.addDays(-7);
    for (auto it = average.crbegin(); it != average.crend(); ++it) {
        if (it->day > weekBefore)
            continue;
        const double change = average.last().value - it->value;
        const QString amount = shown(std::abs(change));
        detail += QStringLiteral(", ") + (std::abs(change) < 0.05 ? tr("steady over a week")
                                          : change < 0 ? tr("down %1 in a week").arg(amount)
                                                       : tr("up %1 in a week").arg(amount));
        break;
    }
    m_weightCard.detail->setText(detail + QLatin1Char('.'));
}

void TodayPage::refreshFood()
{
    const QDate today = QDate::currentDate();
    RecordFilter todayOnly;
    todayOnly.from = today.startOfDay();
    todayOnly.to = today.addDays(1).startOfDay();
    QHash<QString, double> total;
    const QList<Record> meals = m_store->records(QStringLiteral("meal"), todayOnly);
    const QStringList fields{QStringLiteral("calories"), QStringLiteral("protein"),
                             QStringLiteral("carbs"), QStringLiteral("fat")};
    for (const Record &meal : meals) {
        for (const QString &field : fields)
            total[field] += meal.value(field).toDouble();
    }
    const KindSpec &kind = *SchemaRegistry::instance().kind(QStringLiteral("meal"));
    m_foodCard.value->setText(
        units::format(total.value(fields.first()), QStringLiteral("kcal"), m_units));
    if (meals.isEmpty()) {
        m_foodCard.detail->setText(tr("No meals logged yet today."));
        return;
    }
    QStringList macros;
    for (const QString &field : fields.mid(1))
        macros << QStringLiteral("%1 %2").arg(
            kind.field(field)->displayLabel(),
            units::format(total.value(field), QStringLiteral("g"), m_units));
    m_foodCard.detail->setText(tr("%n meals: ", nullptr, static_cast<int>(meals.size())) +
                               macros.join(QStringLiteral(", ")) + QLatin1Char('.'));
}

void TodayPage::refreshDoses()
{
    const QList<medication::ScheduledDose> doses =
        medication::dosesOn(*m_store, QDate::currentDate());
    if (doses.isEmpty()) {
        m_dosesCard.value->setText(tr("None"));
        m_dosesCard.detail->setText(tr("No doses scheduled today."));
        return;
    }
    const auto logged = std::count_if(doses.cbegin(), doses.cend(),
                                      [](const auto &d) { return !d.status.isEmpty(); });
    const auto taken = std::count_if(doses.cbegin(), doses.cend(), [](const auto &d) {
        return d.status == QLatin1String("taken");
    });
    m_dosesCard.value->setText(tr("%1 of %2 taken").arg(taken).arg(doses.size()));
    const auto next = std::find_if(doses.cbegin(), doses.cend(),
                                   [](const auto &d) { return d.status.isEmpty(); });
    m_dosesCard.detail->setText(
        next == doses.cend()
            ? (logged == taken ? tr("All of today's doses are taken.")
                               : tr("All of today's doses are logged."))
            : tr("Next: %1 %2, %3.")
                  .arg(next->scheduledAt.toLocalTime().time().toString(QStringLiteral("HH:mm")),
                       next->medicationName, next->amount));
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
                // A night reads as its hours, a glucose with its context.
                if (field.name == QLatin1String("bedtime")) {
                    if (const double hours = trends::sleepHours(rec); hours >= 0)
                        parts << tr("Sleep %1")
                                     .arg(units::format(hours, QStringLiteral("h"), m_units));
                    continue;
                }
                if (field.name == QLatin1String("wake_time") ||
                    field.name == QLatin1String("glucose_context"))
                    continue;
                QString text = formatValue(field, rec.value(field.name), m_units);
                if (field.isNumeric() && !field.unit.isEmpty())
                    text += QLatin1Char(' ') + units::displayUnit(field.unit, m_units);
                if (field.name == QLatin1String("glucose") &&
                    !rec.value(QStringLiteral("glucose_context")).isNull())
                    text += QStringLiteral(" (%1)").arg(
                        kind.field(QStringLiteral("glucose_context"))
                            ->choiceLabel(rec.value(QStringLiteral("glucose_context")).toString())
                            .toLower());
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
    // A value of a measure of the person's own reads as the measure's name
    // and unit: "Peak flow: 455 L/min".
    for (const Record &rec : m_store->records(own_measures::kValueKind, todayOnly)) {
        const auto measure = m_store->record(own_measures::kMeasureKind,
                                             rec.value(own_measures::kMeasureField).toString());
        const QDateTime at = rec.value(QStringLiteral("recorded_at")).toDateTime();
        lines.append({at, QStringLiteral("%1  %2: %3")
                              .arg(at.toLocalTime().time().toString(QStringLiteral("HH:mm")),
                                   measure ? measure->value(QStringLiteral("name")).toString()
                                           : tr("Measurement"),
                                   own_measures::format(
                                       rec.value(QStringLiteral("value")).toDouble(),
                                       measure ? measure->value(QStringLiteral("unit")).toString()
                                               : QString()))});
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
    auto addRow = [&](const QString &label, const QString &value, const Record &rec) {
        // Metrics and measurements are both placed in time by recorded_at.
        rows << QStringLiteral("<tr><td>%1</td><td><b>%2</b></td><td>%3</td></tr>")
                    .arg(label.toHtmlEscaped(), value.toHtmlEscaped(),
                         locale.toString(
                             rec.value(metric->timeField).toDateTime().toLocalTime().date(),
                             QLocale::ShortFormat));
    };
    auto latestWith = [&](const QString &name) -> const Record * {
        for (const Record &rec : latest) {
            if (!rec.value(name).isNull())
                return &rec;
        }
        return nullptr;
    };
    auto shown = [&](const QString &name, const Record &rec) {
        const FieldSpec *field = metric->field(name);
        return field->unit.isEmpty()
                   ? locale.toString(rec.value(name).toDouble())
                   : units::format(rec.value(name).toDouble(), field->unit, m_units);
    };
    for (const QString &name :
         {QStringLiteral("weight"), QStringLiteral("body_fat"), QStringLiteral("systolic"),
          QStringLiteral("glucose"), QStringLiteral("resting_heart_rate"),
          QStringLiteral("bedtime"), QStringLiteral("sleep_quality"),
          QStringLiteral("energy_level"), QStringLiteral("steps")}) {
        const Record *rec = latestWith(name);
        if (!rec)
            continue;
        if (name == QLatin1String("systolic")) {
            addRow(tr("Blood pressure"),
                   QStringLiteral("%1/%2 mmHg")
                       .arg(rec->value(name).toInt())
                       .arg(rec->value(QStringLiteral("diastolic")).toInt()),
                   *rec);
        } else if (name == QLatin1String("glucose")) {
            const QString context = rec->value(QStringLiteral("glucose_context")).toString();
            QString value = shown(name, *rec);
            if (!context.isEmpty())
                value +=
                    QStringLiteral(" (%1)").arg(metric->field(QStringLiteral("glucose_context"))
                                                    ->choiceLabel(context)
                                                    .toLower());
            addRow(metric->field(name)->displayLabel(), value, *rec);
        } else if (name == QLatin1String("bedtime")) {
            addRow(tr("Sleep"),
                   units::format(trends::sleepHours(*rec), QStringLiteral("h"), m_units), *rec);
        } else {
            addRow(metric->field(name)->displayLabel(), shown(name, *rec), *rec);
        }
    }
    // And the newest value of each measure of the person's own.
    for (const Record &measure : own_measures::byName(*m_store)) {
        if (const auto value = own_measures::latestValue(*m_store, measure.id))
            addRow(measure.value(QStringLiteral("name")).toString(),
                   own_measures::format(value->value(QStringLiteral("value")).toDouble(),
                                        measure.value(QStringLiteral("unit")).toString()),
                   *value);
    }
    m_latest->setText(
        rows.isEmpty()
            ? tr("No metrics logged yet.")
            : QStringLiteral("<table cellspacing=6>%1</table>").arg(rows.join(QString())));
    // Asked on each refresh until something is logged, then never again:
    // the welcome is for a first start.
    if (!m_welcomeDone) {
        for (const char *kind :
             {"metric", "meal", "exercise", "medication", "journal", "measurement"})
            m_welcomeDone = m_welcomeDone || m_store->count(QLatin1String(kind)) > 0;
    }
    m_welcome->setVisible(!m_welcomeDone);
    m_doses->refresh();
    refreshWeight();
    refreshFood();
    refreshDoses();
    refreshGoals();
}

void TodayPage::refreshGoals()
{
    const std::optional<Record> set = goals::current(*m_store);
    if (!set) {
        m_goalsCard.value->setText(tr("None yet"));
        m_goalsCard.detail->setText(
            tr("Targets for your weight, food, exercise and steps, with your progress here."));
        return;
    }
    const QLocale locale;
    const QString kg = QStringLiteral("kg");
    auto shown = [&](double v, const QString &unit) {
        return units::format(v, unit, m_units);
    };
    QStringList lines;
    const goals::WeightProgress weight =
        goals::weightProgress(*m_store, *set, QDate::currentDate());
    using State = goals::WeightProgress::State;
    const QString target = shown(weight.target, kg);
    const QString toGo = shown(std::abs(weight.target - weight.latest), kg);
    switch (weight.state) {
    case State::NoTarget:
        m_goalsCard.value->setText(tr("Weight: no target"));
        break;
    case State::Reached:
        m_goalsCard.value->setText(tr("%1 reached").arg(target));
        break;
    case State::OnTrack:
        m_goalsCard.value->setText(tr("%1 to go").arg(toGo));
        lines << tr("On track for %1.").arg(locale.toString(weight.reachedOn, QLocale::LongFormat));
        break;
    case State::Behind:
        m_goalsCard.value->setText(tr("%1 to go").arg(toGo));
        lines << tr("At this pace %1, after %2.")
                     .arg(locale.toString(weight.reachedOn, QLocale::LongFormat),
                          locale.toString(weight.by, QLocale::LongFormat));
        break;
    case State::NotMoving:
        m_goalsCard.value->setText(tr("%1 to go").arg(toGo));
        lines << tr("Not moving toward %1 yet.").arg(target);
        break;
    }
    const QDate today = QDate::currentDate();
    auto sum = [&](const QString &kind, const QString &field, const QDate &from) {
        RecordFilter range;
        range.from = from.startOfDay();
        range.to = today.addDays(1).startOfDay();
        double total = 0;
        for (const Record &rec : m_store->records(kind, range))
            total += rec.value(field).toDouble();
        return total;
    };
    if (const QVariant calories = set->value(QStringLiteral("calories")); !calories.isNull())
        lines << tr("Calories %1 of %2 today.")
                     .arg(locale.toString(qRound(
                              sum(QStringLiteral("meal"), QStringLiteral("calories"), today))),
                          shown(calories.toDouble(), QStringLiteral("kcal")));
    if (const QVariant minutes = set->value(QStringLiteral("exercise_minutes")); !minutes.isNull())
        lines << tr("Exercise %1 of %2 this week.")
                     .arg(locale.toString(
                              qRound(sum(QStringLiteral("exercise"), QStringLiteral("duration"),
                                         today.addDays(1 - today.dayOfWeek())))),
                          shown(minutes.toDouble(), QStringLiteral("min")));
    if (const QVariant steps = set->value(QStringLiteral("steps")); !steps.isNull())
        lines << tr("Steps %1 of %2 today.")
                     .arg(locale.toString(qRound(
                              sum(QStringLiteral("metric"), QStringLiteral("steps"), today))),
                          locale.toString(steps.toInt()));
    m_goalsCard.detail->setText(lines.join(QLatin1Char('\n')));
}

void TodayPage::editGoals()
{
    const KindSpec &kind = *SchemaRegistry::instance().kind(goals::kKind);
    const std::optional<Record> set = goals::current(*m_store);
    RecordEditorDialog dialog(m_store, kind, m_units, set ? set->values : QVariantMap(), this);
    dialog.setWindowTitle(tr("Goals"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    QVariantMap before;
    const QVariantMap after = dialog.values();
    const WriteResult r = goals::save(*m_store, after, QDate::currentDate(), &before);
    if (!r.ok())
        return;
    if (before.isEmpty())
        m_undo->push(new CreateRecordCommand(m_store, goals::kKind, r.id));
    else
        m_undo->push(new EditRecordCommand(m_store, goals::kKind, r.id, before, after));
}

} // namespace hale
