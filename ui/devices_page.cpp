#include "ui/devices_page.h"

#include "ui/palette_icons.h"

#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hale {

DevicesPage::DevicesPage(const QString &thisDeviceId, QWidget *parent)
    : QWidget(parent), m_thisDevice(thisDeviceId)
{
    setAccessibleName(tr("Devices"));
    m_note = new QLabel(tr("The devices signed in to your sync account."), this);
    m_note->setWordWrap(true);
    m_table = new QTableWidget(0, 4, this);
    m_table->setAccessibleName(tr("Devices"));
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Platform"), tr("Last seen"), tr("Status")});
    // Platform, last seen and status fit their text; the name takes the rest.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rename = new QPushButton(tr("Re&name…"), this);
    setPaletteIcon(m_rename, QStringLiteral("edit"));
    m_revoke = new QPushButton(tr("Sign &out device…"), this);
    m_revoke->setToolTip(tr("Signs the selected device out at once. Its entries stay on it."));
    m_refresh = new QPushButton(tr("Re&fresh"), this);
    setPaletteIcon(m_refresh, QStringLiteral("sync"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_rename);
    buttons->addWidget(m_revoke);
    buttons->addStretch(1);
    buttons->addWidget(m_refresh);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &DevicesPage::updateButtons);
    connect(m_rename, &QPushButton::clicked, this, &DevicesPage::renameSelected);
    connect(m_revoke, &QPushButton::clicked, this, &DevicesPage::revokeSelected);
    connect(m_refresh, &QPushButton::clicked, this, &DevicesPage::refreshRequested);
    updateButtons();
}

void DevicesPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    emit refreshRequested();
}

void DevicesPage::setDevices(const QList<sync::DeviceDescription> &devices)
{
    m_devices = devices;
    // This device first, then the others by name.
    std::stable_sort(m_devices.begin(), m_devices.end(), [this](const auto &a, const auto &b) {
        if ((a.id == m_thisDevice) != (b.id == m_thisDevice))
            return a.id == m_thisDevice;
        return a.name.localeAwareCompare(b.name) < 0;
    });
    m_note->setText(tr("The devices signed in to your sync account."));
    m_table->setEnabled(true);
    m_table->setRowCount(int(m_devices.size()));
    QHash<QString, int> named; // how many devices bear each name
    for (const sync::DeviceDescription &d : std::as_const(m_devices))
        ++named[d.name];
    for (int row = 0; row < m_devices.size(); ++row) {
        const sync::DeviceDescription &d = m_devices.at(row);
        const bool self = d.id == m_thisDevice;
        // Machines of one host name ("vm", "localhost") would be identical
        // rows: the start of each one's id tells them apart until renamed.
        const QString name =
            named.value(d.name) > 1 ? tr("%1 (%2)").arg(d.name, d.id.left(4)) : d.name;
        const QDateTime seen = QDateTime::fromString(d.lastSeen, Qt::ISODateWithMs);
        const QStringList cells{self ? tr("%1 (this device)").arg(name) : name, d.platform,
                                seen.isValid()
                                    ? QLocale().toString(seen.toLocalTime(), QLocale::ShortFormat)
                                    : d.lastSeen,
                                d.revoked ? tr("Signed out") : tr("Signed in")};
        for (int column = 0; column < cells.size(); ++column)
            m_table->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    updateButtons();
}

void DevicesPage::setUnavailable(const QString &why)
{
    m_devices.clear();
    m_table->setRowCount(0);
    m_table->setEnabled(false);
    m_note->setText(why);
    updateButtons();
}

std::optional<sync::DeviceDescription> DevicesPage::selected() const
{
    const int row = m_table->currentRow();
    if (row < 0 || row >= m_devices.size() || m_table->selectedItems().isEmpty())
        return std::nullopt;
    return m_devices.at(row);
}

void DevicesPage::updateButtons()
{
    const auto device = selected();
    m_rename->setEnabled(device && device->id == m_thisDevice);
    m_revoke->setEnabled(device && device->id != m_thisDevice && !device->revoked);
}

void DevicesPage::renameSelected()
{
    const auto device = selected();
    if (!device)
        return;
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Rename device"), tr("Name of this device:"),
                              QLineEdit::Normal, device->name, &ok)
            .trimmed();
    if (ok && !name.isEmpty() && name != device->name)
        emit renameRequested(device->id, name);
}

void DevicesPage::revokeSelected()
{
    const auto device = selected();
    if (!device)
        return;
    const auto answer = QMessageBox::question(
        this, tr("Sign out device"),
        tr("Sign out \"%1\"? It stops syncing at once and keeps the entries it has.")
            .arg(device->name));
    if (answer == QMessageBox::Yes)
        emit revokeRequested(device->id);
}

} // namespace hale
