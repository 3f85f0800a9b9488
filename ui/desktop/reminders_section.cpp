#include "ui/desktop/reminders_section.h"

#include "ui/desktop/autostart.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QTimeEdit>
#include <QVBoxLayout>

namespace hale {

namespace {

QString loggingLabel(const QString &kind)
{
    if (kind == QLatin1String("metric"))
        return RemindersSection::tr("Remind me to &weigh myself at");
    if (kind == QLatin1String("meal"))
        return RemindersSection::tr("Remind me to lo&g a meal at");
    if (kind == QLatin1String("exercise"))
        return RemindersSection::tr("Remind me to log e&xercise at");
    return RemindersSection::tr("Remind me to write in my &journal at");
}

QTime defaultTime(const QString &kind)
{
    if (kind == QLatin1String("metric"))
        return {8, 0};
    if (kind == QLatin1String("meal"))
        return {12, 30};
    if (kind == QLatin1String("exercise"))
        return {18, 0};
    return {21, 0};
}

} // namespace

RemindersSection::RemindersSection(LocalStore *store, QWidget *parent)
    : QGroupBox(tr("Reminders"), parent), m_store(store)
{
    setAccessibleName(tr("Reminders"));
    m_doses = new QCheckBox(tr("Remind me when a dose is d&ue"), this);
    m_doses->setAccessibleName(tr("Dose reminders"));

    auto *grid = new QGridLayout;
    int row = 0;
    for (const QString &kind : preferences::reminderKinds()) {
        auto *on = new QCheckBox(loggingLabel(kind), this);
        auto *time = new QTimeEdit(defaultTime(kind), this);
        time->setDisplayFormat(QStringLiteral("HH:mm"));
        time->setEnabled(false);
        time->setAccessibleName(tr("%1, time").arg(on->text().remove(QLatin1Char('&'))));
        on->setAccessibleName(on->text().remove(QLatin1Char('&')));
        grid->addWidget(on, row, 0);
        grid->addWidget(time, row, 1);
        ++row;
        m_logOn.insert(kind, on);
        m_logAt.insert(kind, time);
        connect(on, &QCheckBox::toggled, time, &QWidget::setEnabled);
        connect(on, &QCheckBox::toggled, this, &RemindersSection::save);
        connect(time, &QTimeEdit::timeChanged, this, &RemindersSection::save);
    }
    grid->setColumnStretch(2, 1);

    m_startAtLogin = new QCheckBox(tr("Star&t Hale when I log in"), this);
    m_startAtLogin->setAccessibleName(tr("Start Hale when I log in"));
    m_startAtLogin->setChecked(autostart::enabled());
    m_startAtLogin->setToolTip(autostart::location());
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(tr("Reminder settings problem"));
    m_problem->hide();
    auto *note = new QLabel(tr("While reminders are on, closing the window keeps Hale running in "
                               "the system tray, so that they still come."),
                            this);
    note->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_doses);
    layout->addLayout(grid);
    layout->addWidget(note);
    layout->addWidget(m_startAtLogin);
    layout->addWidget(m_problem);
    connect(m_doses, &QCheckBox::toggled, this, &RemindersSection::save);
    connect(m_startAtLogin, &QCheckBox::toggled, this, &RemindersSection::setStartAtLogin);
    showChoices(preferences::load(*store));
    connect(store, &LocalStore::recordsChanged, this, [this](const QString &kind) {
        if (kind != preferences::kKind)
            return;
        const preferences::Preferences stored = preferences::load(*m_store);
        showChoices(stored);
        emit changed(stored);
    });
}

void RemindersSection::showChoices(const preferences::Preferences &stored)
{
    const QSignalBlocker quietDoses(m_doses);
    m_doses->setChecked(stored.doseReminders);
    for (const QString &kind : preferences::reminderKinds()) {
        const QTime at = stored.remindAt.value(kind);
        QCheckBox *on = m_logOn.value(kind);
        QTimeEdit *time = m_logAt.value(kind);
        const QSignalBlocker quietOn(on);
        const QSignalBlocker quietTime(time);
        on->setChecked(at.isValid());
        time->setEnabled(at.isValid());
        if (at.isValid())
            time->setTime(at);
    }
}

preferences::Preferences RemindersSection::chosen() const
{
    preferences::Preferences p = preferences::load(*m_store);
    p.doseReminders = m_doses->isChecked();
    p.remindAt.clear();
    for (const QString &kind : preferences::reminderKinds()) {
        if (m_logOn.value(kind)->isChecked())
            p.remindAt.insert(kind, m_logAt.value(kind)->time());
    }
    return p;
}

void RemindersSection::save()
{
    const preferences::Preferences p = chosen();
    preferences::save(*m_store, p); // announces the change, which shows and applies it
}

void RemindersSection::setStartAtLogin(bool on)
{
    QString error;
    const bool done = autostart::setEnabled(on, &error);
    m_problem->setVisible(!done);
    m_problem->setText(error);
    if (!done) {
        const QSignalBlocker quiet(m_startAtLogin);
        m_startAtLogin->setChecked(!on);
    }
}

} // namespace hale
