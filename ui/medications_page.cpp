#include "ui/medications_page.h"

#include "ui/dose_log.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace hale {

DueDosesPanel::DueDosesPanel(LocalStore *store, QUndoStack *undo, QWidget *parent)
    : QWidget(parent), m_store(store), m_undo(undo)
{
    setAccessibleName(tr("Doses due today"));
    auto *title = new QLabel(tr("<b>Doses due today</b>"), this);
    m_adherence = new QLabel(this);
    m_adherence->setAccessibleName(tr("Adherence, last 30 days"));
    m_rows = new QVBoxLayout;
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(m_rows);
    layout->addWidget(m_adherence);
    layout->addStretch(1);
    connect(store, &LocalStore::recordsChanged, this, [this](const QString &kind) {
        if (kind == QLatin1String("dose") || kind == QLatin1String("medication"))
            refresh();
    });
    refresh();
}

void DueDosesPanel::refresh()
{
    // The old rows go at once: hidden now (they would otherwise be drawn,
    // and read by a screen reader, beside the new ones until deleted).
    while (QLayoutItem *item = m_rows->takeAt(0)) {
        if (QWidget *w = item->widget()) {
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
    const QList<medication::ScheduledDose> doses =
        medication::dosesOn(*m_store, QDate::currentDate());
    if (doses.isEmpty()) {
        auto *none = new QLabel(tr("No doses scheduled today."), this);
        m_rows->addWidget(none);
    }
    for (const medication::ScheduledDose &dose : doses) {
        auto *row = new QWidget(this);
        auto *line = new QHBoxLayout(row);
        line->setContentsMargins(0, 0, 0, 0);
        const QString time =
            dose.scheduledAt.toLocalTime().time().toString(QStringLiteral("HH:mm"));
        const QString what =
            QStringLiteral("%1  %2, %3").arg(time, dose.medicationName, dose.amount);
        auto *label = new QLabel(what, row);
        line->addWidget(label, 1);
        if (!dose.status.isEmpty()) {
            auto *state = new QLabel(
                dose.status == QLatin1String("taken") ? tr("Taken") : tr("Skipped"), row);
            // Read with its dose, and with its word (a name of its own would
            // hide "Taken" from a screen reader).
            state->setAccessibleName(tr("%1: %2").arg(what, state->text()));
            line->addWidget(state);
        }
        auto *take = new QPushButton(tr("Take"), row);
        take->setAccessibleName(tr("Take %1 at %2").arg(dose.medicationName, time));
        take->setEnabled(dose.status != QLatin1String("taken"));
        auto *skip = new QPushButton(tr("Skip"), row);
        skip->setAccessibleName(tr("Skip %1 at %2").arg(dose.medicationName, time));
        skip->setEnabled(dose.status != QLatin1String("skipped"));
        connect(take, &QPushButton::clicked, this,
                [this, dose] { log(dose, QStringLiteral("taken")); });
        connect(skip, &QPushButton::clicked, this,
                [this, dose] { log(dose, QStringLiteral("skipped")); });
        line->addWidget(take);
        line->addWidget(skip);
        m_rows->addWidget(row);
    }
    const medication::Adherence a = medication::adherence(*m_store, QDate::currentDate(), 30);
    m_adherence->setText(a.expected == 0
                             ? tr("Adherence (30 days): nothing was due yet.")
                             : tr("Adherence (30 days): %1% — %2 of %3 doses taken, %4 skipped.")
                                   .arg(qRound(a.ratio() * 100))
                                   .arg(a.taken)
                                   .arg(a.expected)
                                   .arg(a.skipped));
}

void DueDosesPanel::log(const medication::ScheduledDose &dose, const QString &status)
{
    logDoseUndoably(m_store, m_undo, dose, status);
}

} // namespace hale
