#include "ui/desktop/tray_icon.h"

#include "models/medication_schedule.h"

#include <QMenu>

namespace hale {

TrayIcon::TrayIcon(LocalStore *store, bool withSync, QObject *parent)
    : QSystemTrayIcon(QIcon(QStringLiteral(":/icons/hale.svg")), parent), m_store(store)
{
    // A tray menu has no parent widget; the icon owns it through this.
    auto *menu = new QMenu;
    connect(this, &QObject::destroyed, menu, &QObject::deleteLater);
    menu->addAction(tr("&Open Hale"), this, &TrayIcon::openRequested);
    QMenu *log = menu->addMenu(tr("&Log"));
    for (const QString &kind : {QStringLiteral("metric"), QStringLiteral("meal"),
                                QStringLiteral("exercise"), QStringLiteral("journal")}) {
        const KindSpec *spec = SchemaRegistry::instance().kind(kind);
        log->addAction(tr("%1…").arg(spec->displaySingular()), this,
                       [this, kind] { emit logRequested(kind); });
    }
    if (withSync)
        menu->addAction(tr("&Sync now"), this, &TrayIcon::syncNowRequested);
    menu->addSeparator();
    menu->addAction(tr("&Quit Hale"), this, &TrayIcon::quitRequested);
    setContextMenu(menu);
    connect(this, &QSystemTrayIcon::activated, this, [this](ActivationReason reason) {
        if (reason == Trigger || reason == DoubleClick)
            emit openRequested();
    });
    connect(store, &LocalStore::recordsChanged, this, [this](const QString &kind) {
        if (kind == QLatin1String("dose") || kind == QLatin1String("medication"))
            refresh();
    });
    refresh();
}

void TrayIcon::setSyncText(const QString &text)
{
    m_syncText = text;
    refresh();
}

void TrayIcon::refresh()
{
    int open = 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const medication::ScheduledDose &dose :
         medication::dosesOn(*m_store, QDate::currentDate())) {
        if (dose.status.isEmpty() && dose.scheduledAt <= now)
            ++open;
    }
    QStringList lines{QStringLiteral("Hale")};
    if (!m_syncText.isEmpty())
        lines << m_syncText;
    lines << (open == 0 ? tr("No doses due") : tr("%n doses due", nullptr, open));
    setToolTip(lines.join(QLatin1Char('\n')));
}

} // namespace hale
