#pragma once

#include "models/units.h"

#include <QWidget>

class QLabel;
class QRadioButton;

namespace hale {

// Units and the data folder; the sync section is added by the main window.
// Choices persist in QSettings.
class SettingsPage : public QWidget
{
    Q_OBJECT

public:
    SettingsPage(const QString &dataDir, QWidget *parent = nullptr);

    static UnitSystem savedUnitSystem();
    // The folder chosen for the next start, or empty for the default.
    static QString savedDataDir();

    // Adds a section (the sync settings) below the built-in ones.
    void addSection(QWidget *section);

signals:
    void unitSystemChanged(hale::UnitSystem system);

private:
    void chooseDataDir();

    QRadioButton *m_metric;
    QRadioButton *m_imperial;
    QLabel *m_dataDir;
};

} // namespace hale
