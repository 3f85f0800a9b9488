#pragma once

#include "models/local_store.h"

#include <QGroupBox>
#include <QHash>

class QCheckBox;

namespace hale {

// Settings' choice of the screens in the navigation. It follows the person
// (the synced preferences): a screen hidden on one device is hidden on all.
class ScreensSection : public QGroupBox
{
    Q_OBJECT

public:
    // `titles`: each hideable screen's key (preferences::hideableScreens())
    // and its name in the navigation, in the navigation's order.
    ScreensSection(LocalStore *store, const QList<std::pair<QString, QString>> &titles,
                   QWidget *parent = nullptr);

    // The screens chosen to be hidden, here or on another device.
    QStringList hidden() const { return m_hidden; }

signals:
    void hiddenChanged(const QStringList &hidden);

private:
    void reflect(const QStringList &hidden);

    LocalStore *m_store;
    QHash<QString, QCheckBox *> m_boxes;
    QStringList m_hidden;
};

} // namespace hale
