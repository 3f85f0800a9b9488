#include "ui/settings_page.h"

#include "models/preferences.h"
#include "ui/file_dialogs.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace hale {

namespace {
const QString kUnitsKey = QStringLiteral("units");
const QString kDataDirKey = QStringLiteral("dataDir");
} // namespace

UnitSystem SettingsPage::unitSystem() const
{
    return preferences::unitsOr(preferences::load(*m_store),
                                units::fromSettingsValue(QSettings().value(kUnitsKey).toString()));
}

QString SettingsPage::savedDataDir()
{
    return QSettings().value(kDataDirKey).toString();
}

SettingsPage::SettingsPage(LocalStore *store, const QString &dataDir, QWidget *parent)
    : QWidget(parent), m_store(store)
{
    setObjectName(QStringLiteral("settings_page"));
    setAccessibleName(tr("Settings"));

    auto *unitsBox = new QGroupBox(tr("Units"), this);
    m_metric = new QRadioButton(tr("&Metric (kg, cm, km)"), unitsBox);
    m_metric->setAccessibleName(tr("Metric units"));
    m_imperial = new QRadioButton(tr("Imperia&l (lb, in, mi)"), unitsBox);
    m_imperial->setAccessibleName(tr("Imperial units"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_metric);
    group->addButton(m_imperial);
    // Blood glucose has a unit of its own: many who weigh in kilograms read
    // their glucose in mg/dL.
    m_mmol = new QRadioButton(tr("mmol/L"), unitsBox);
    m_mmol->setAccessibleName(tr("Blood glucose in mmol/L"));
    m_mgdl = new QRadioButton(tr("mg/dL"), unitsBox);
    m_mgdl->setAccessibleName(tr("Blood glucose in mg/dL"));
    auto *glucoseGroup = new QButtonGroup(this);
    glucoseGroup->addButton(m_mmol);
    glucoseGroup->addButton(m_mgdl);
    auto *glucoseRow = new QHBoxLayout;
    glucoseRow->addWidget(new QLabel(tr("Blood glucose in:"), unitsBox));
    glucoseRow->addWidget(m_mmol);
    glucoseRow->addWidget(m_mgdl);
    glucoseRow->addStretch(1);
    m_units = unitSystem();
    showUnits(m_units);
    auto *unitsNote = new QLabel(tr("Values are always stored in metric units; this only changes "
                                    "how they are shown and typed."),
                                 unitsBox);
    unitsNote->setWordWrap(true);
    auto *unitsLayout = new QVBoxLayout(unitsBox);
    unitsLayout->addWidget(m_metric);
    unitsLayout->addWidget(m_imperial);
    unitsLayout->addLayout(glucoseRow);
    unitsLayout->addWidget(unitsNote);
    // Saved, then shown and announced through recordsChanged below, as
    // another device's choice would be.
    connect(m_imperial, &QRadioButton::toggled, this, [this](bool imperial) {
        preferences::Preferences chosen = preferences::load(*m_store);
        chosen.units.imperial = imperial;
        chosen.unitsChosen = true;
        preferences::save(*m_store, chosen);
    });
    connect(m_mgdl, &QRadioButton::toggled, this, [this](bool mgdl) {
        preferences::Preferences chosen = preferences::load(*m_store);
        chosen.units.glucose = mgdl ? GlucoseUnit::MgPerDl : GlucoseUnit::MmolPerL;
        chosen.glucoseUnitChosen = true;
        preferences::save(*m_store, chosen);
    });
    // Chosen here or on another device: every screen follows.
    connect(store, &LocalStore::recordsChanged, this, [this](const QString &kind) {
        if (kind != preferences::kKind)
            return;
        const UnitSystem system = unitSystem();
        if (system == m_units)
            return;
        m_units = system;
        showUnits(system);
        emit unitSystemChanged(system);
    });

    auto *dataBox = new QGroupBox(tr("Data folder"), this);
    m_dataDir = new QLabel(QDir::toNativeSeparators(dataDir), dataBox);
    m_dataDir->setAccessibleName(tr("Data folder in use"));
    m_dataDir->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *change = new QPushButton(tr("C&hange…"), dataBox);
    change->setAccessibleName(tr("Change data folder"));
    auto *dataNote =
        new QLabel(tr("Hale keeps everything in one file, hale.sqlite, in this folder. "
                      "A new folder takes effect the next time Hale starts."),
                   dataBox);
    dataNote->setWordWrap(true);
    auto *dataRow = new QHBoxLayout;
    dataRow->addWidget(m_dataDir, 1);
    dataRow->addWidget(change);
    auto *dataLayout = new QVBoxLayout(dataBox);
    dataLayout->addLayout(dataRow);
    dataLayout->addWidget(dataNote);
    connect(change, &QPushButton::clicked, this, &SettingsPage::chooseDataDir);

    // The sections scroll: with sync and reminders they are taller than a
    // small screen.
    auto *sections = new QWidget;
    m_sections = new QVBoxLayout(sections);
    m_sections->addWidget(unitsBox);
    m_sections->addWidget(dataBox);
    m_sections->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(sections);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

void SettingsPage::showUnits(UnitSystem system)
{
    const QSignalBlocker quietMetric(m_metric);
    const QSignalBlocker quietImperial(m_imperial);
    const QSignalBlocker quietMmol(m_mmol);
    const QSignalBlocker quietMgdl(m_mgdl);
    (system.imperial ? m_imperial : m_metric)->setChecked(true);
    (system.glucose == GlucoseUnit::MgPerDl ? m_mgdl : m_mmol)->setChecked(true);
}

void SettingsPage::addSection(QWidget *section)
{
    m_sections->insertWidget(m_sections->count() - 1, section);
}

void SettingsPage::chooseDataDir()
{
    const QString dir =
        files::existingDirectory(this, tr("Choose a data folder"), m_dataDir->text());
    if (dir.isEmpty())
        return;
    QSettings().setValue(kDataDirKey, dir);
    m_dataDir->setText(tr("%1 (from the next start)").arg(QDir::toNativeSeparators(dir)));
}

} // namespace hale
