#include "ui/desktop/tray_icon.h"

#include "models/medication_schedule.h"
#include "ui/palette_icons.h"

#include <QMenu>

namespace hale {

TrayIcon::TrayIcon(LocalStore *store, bool withSync, QObject *parent)
    : QSystemTrayIcon(QIcon(QStringLiteral(":/icons/hale.svg")), parent), m_store(store)
{
    // A tray menu has no parent widget; the icon owns it through this.
    auto *menu = new QMenu;
    connect(this, &QObject::destroyed, menu, &QObject::deleteLater);
    menu->addAction(QIcon(QStringLiteral(":/icons/hale.svg")), tr("&Open Hale"), this,
                    &TrayIcon::openRequested);
    QMenu *log = menu->addMenu(tr("&Log"));
    setPaletteIcon(log->menuAction(), QStringLiteral("add"), menu);
    // Each kind with its navigation icon.
    for (const auto &[kind, icon] :
         {std::pair{QStringLiteral("metric"), QStringLiteral("metrics")},
          std::pair{QStringLiteral("meal"), QStringLiteral("meals")},
          std::pair{QStringLiteral("exercise"), QStringLiteral("exercises")},
          std::pair{QStringLiteral("journal"), QStringLiteral("journal")}}) {
        const KindSpec *spec = SchemaRegistry::instance().kind(kind);
        QAction *entry = log->addAction(tr("%1…").arg(spec->displaySingular()), this,
                                        [this, name = kind] { emit logRequested(name); });
        setPaletteIcon(entry, icon, log);
    }
    if (withSync) {
        setPaletteIcon(menu->addAction(tr("&Sync now"), this, &TrayIcon::syncNowRequested),
                       QStringLiteral("sync"), menu);
    }
    menu->addSeparator();
    setPaletteIcon(menu->addAction(tr("&Quit Hale"), this, &TrayIcon::quitRequested),
                   QStringLiteral("quit"), menu);
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
