#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>

namespace hale {

// Passes on the kinds of records another connection wrote: the first at
// once, then, while more keep coming, at most once every `intervalMs` (each
// kind once). The screens reload per kind they are told of; reloading after
// each page of a first sync of 100,000 records kept the UI thread busy a
// fifth of the time, on the two cores the sync thread needed.
class ChangeThrottle : public QObject
{
    Q_OBJECT

public:
    explicit ChangeThrottle(int intervalMs, QObject *parent = nullptr);

    void add(const QString &kind);
    // Passes on what waits now (a sync cycle ended: the screens show all it
    // wrote).
    void flush();

signals:
    void changed(const QString &kind);

private:
    QStringList m_waiting;
    QTimer m_interval;
};

} // namespace hale
