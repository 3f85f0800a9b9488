#pragma once

#include "models/units.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QRadioButton;

namespace hale {

// Units, the data folder and the (opt-in, off by default) sync section.
// Choices persist in QSettings.
class SettingsPage : public QWidget
{
    Q_OBJECT

public:
    SettingsPage(const QString &dataDir, QWidget *parent = nullptr);

    static UnitSystem savedUnitSystem();
    // The folder chosen for the next start, or empty for the default.
    static QString savedDataDir();

signals:
    void unitSystemChanged(hale::UnitSystem system);

private:
    void chooseDataDir();

    QRadioButton *m_metric;
    QRadioButton *m_imperial;
    QLabel *m_dataDir;
    QCheckBox *m_syncEnabled;
};

} // namespace hale
