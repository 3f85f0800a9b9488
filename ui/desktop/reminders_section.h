#pragma once

#include "models/preferences.h"

#include <QGroupBox>
#include <QHash>

class QCheckBox;
class QLabel;
class QTimeEdit;

namespace hale {

// Settings → Reminders: dose reminders and a logging reminder per kind,
// kept in the synced preferences (and shown anew when another device changes
// them), and starting Hale at login (this device only).
class RemindersSection : public QGroupBox
{
    Q_OBJECT

public:
    explicit RemindersSection(LocalStore *store, QWidget *parent = nullptr);
    preferences::Preferences chosen() const;

signals:
    void changed(const hale::preferences::Preferences &chosen);

private:
    void save();
    // Shows the stored choices (after another device changed them).
    void showChoices(const preferences::Preferences &stored);
    void setStartAtLogin(bool on);

    LocalStore *m_store;
    QCheckBox *m_doses;
    QHash<QString, QCheckBox *> m_logOn;
    QHash<QString, QTimeEdit *> m_logAt;
    QCheckBox *m_startAtLogin;
    QLabel *m_problem;
};

} // namespace hale
