#pragma once

#include "models/local_store.h"
#include "models/units.h"

#include <QWidget>

class QLabel;
class QRadioButton;
class QVBoxLayout;

namespace hale {

// Units (metric or imperial, and the blood glucose unit) and the data folder;
// the screens, reminders and sync sections are added by the main window. The
// units follow the person in the synced preferences (an
// older Hale's choice in QSettings counts until one is made); the data folder
// is this device's, in QSettings.
class SettingsPage : public QWidget
{
    Q_OBJECT

public:
    SettingsPage(LocalStore *store, const QString &dataDir, QWidget *parent = nullptr);

    UnitSystem unitSystem() const;
    // The folder chosen for the next start, or empty for the default.
    static QString savedDataDir();

    // Adds a section (the sync settings) below the built-in ones.
    void addSection(QWidget *section);

signals:
    void unitSystemChanged(hale::UnitSystem system);

private:
    void chooseDataDir();
    void showUnits(UnitSystem system);

    LocalStore *m_store;
    UnitSystem m_units; // as the screens were last told
    QRadioButton *m_metric;
    QRadioButton *m_imperial;
    QRadioButton *m_mmol;
    QRadioButton *m_mgdl;
    QLabel *m_dataDir;
    QVBoxLayout *m_sections;
};

} // namespace hale
