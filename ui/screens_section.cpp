#include "ui/screens_section.h"

#include "models/preferences.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace hale {

ScreensSection::ScreensSection(LocalStore *store, const QList<std::pair<QString, QString>> &titles,
                               QWidget *parent)
    : QGroupBox(tr("Screens"), parent), m_store(store)
{
    setObjectName(QStringLiteral("screens_section"));
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Show these:"), this));
    auto *note = new QLabel(tr("A hidden screen keeps its entries, and the choice follows you to "
                               "your other devices."),
                            this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(note);
    for (const auto &screen : titles) {
        const QString key = screen.first; // a name of its own, for the lambda below
        const QString &title = screen.second;
        auto *box = new QCheckBox(title, this);
        box->setObjectName(QStringLiteral("show_") + key);
        box->setAccessibleName(tr("Show %1").arg(title));
        row->addWidget(box);
        m_boxes.insert(key, box);
        connect(box, &QCheckBox::toggled, this, [this, key](bool shown) {
            preferences::Preferences chosen = preferences::load(*m_store);
            chosen.hiddenScreens.removeAll(key);
            if (!shown)
                chosen.hiddenScreens << key;
            // Shown through recordsChanged below, as another device's choice is.
            preferences::save(*m_store, chosen);
        });
    }
    row->addStretch(1);
    connect(store, &LocalStore::recordsChanged, this, [this](const QString &kind) {
        if (kind == preferences::kKind)
            reflect(preferences::load(*m_store).hiddenScreens);
    });
    reflect(preferences::load(*store).hiddenScreens);
}

void ScreensSection::reflect(const QStringList &hidden)
{
    for (auto it = m_boxes.cbegin(); it != m_boxes.cend(); ++it) {
        const QSignalBlocker quiet(it.value());
        it.value()->setChecked(!hidden.contains(it.key()));
    }
    if (hidden == m_hidden)
        return;
    m_hidden = hidden;
    emit hiddenChanged(hidden);
}

} // namespace hale
