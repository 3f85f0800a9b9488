#pragma once

#include "ui/desktop/reminder_settings.h"

#include <QGroupBox>
#include <QHash>

class QCheckBox;
class QLabel;
class QTimeEdit;

namespace hale {

// Settings → Reminders: dose reminders, a logging reminder per kind, and
// starting Hale at login.
class RemindersSection : public QGroupBox
{
    Q_OBJECT

public:
    explicit RemindersSection(QWidget *parent = nullptr);
    ReminderSettings settings() const;

signals:
    void changed(const hale::ReminderSettings &settings);

private:
    void save();
    void setStartAtLogin(bool on);

    QCheckBox *m_doses;
    QHash<QString, QCheckBox *> m_logOn;
    QHash<QString, QTimeEdit *> m_logAt;
    QCheckBox *m_startAtLogin;
    QLabel *m_problem;
};

} // namespace hale
