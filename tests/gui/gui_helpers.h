#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QTest>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <memory>

namespace hale::test {

// Finds a widget of type T by its accessible name, the way assistive
// technology (and a person reading the screen) would.
template <typename T = QWidget> T *byAccessibleName(QWidget *root, const QString &name)
{
    for (T *w : root->findChildren<T *>()) {
        if (w->accessibleName() == name)
            return w;
    }
    return nullptr;
}

// Finds a button by its label as shown (without the & of its shortcut);
// `prefix` also matches labels that go on ("Rename…").
inline QAbstractButton *buttonByText(QWidget *root, const QString &text, bool prefix = false)
{
    for (QAbstractButton *b : root->findChildren<QAbstractButton *>()) {
        const QString label = b->text().remove(QLatin1Char('&'));
        if (label == text || (prefix && label.startsWith(text)))
            return b;
    }
    return nullptr;
}

// Runs `interact` on the next modal dialog of type D once it is shown; the
// caller then opens the dialog (whose exec() blocks until `interact` closes
// it). Polls from the event loop without blocking it, so the dialog may also
// open after other work that processes events. Gives up loudly after 5 s.
template <typename D> void onNextDialog(std::function<void(D *)> interact)
{
    auto *poll = new QTimer(qApp);
    auto tries = std::make_shared<int>(0);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, tries, interact] {
        if (auto *dialog = qobject_cast<D *>(QApplication::activeModalWidget())) {
            poll->deleteLater();
            poll->stop();
            interact(dialog);
        } else if (++*tries > 500) {
            qFatal("the expected dialog did not open");
        }
    });
    poll->start(10);
}

} // namespace hale::test
