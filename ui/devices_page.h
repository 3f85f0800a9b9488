#pragma once

#include "sync/client/api_client.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace hale {

// The devices signed in to the account: this one (renamable) and the others
// with their platform and when they were last seen; another device can be
// revoked, which signs it out at once.
class DevicesPage : public QWidget
{
    Q_OBJECT

public:
    DevicesPage(const QString &thisDeviceId, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }

public slots:
    void setDevices(const QList<hale::sync::DeviceDescription> &devices);
    // Shown instead of the list when there is no account to ask.
    void setUnavailable(const QString &why);

signals:
    void refreshRequested();
    void renameRequested(const QString &deviceId, const QString &name);
    void revokeRequested(const QString &deviceId);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateButtons();
    void renameSelected();
    void revokeSelected();
    std::optional<sync::DeviceDescription> selected() const;

    QString m_thisDevice;
    QList<sync::DeviceDescription> m_devices;
    QLabel *m_note;
    QTableWidget *m_table;
    QPushButton *m_rename;
    QPushButton *m_revoke;
    QPushButton *m_refresh;
};

} // namespace hale
