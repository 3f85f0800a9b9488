#pragma once

#include <QApplication>
#include <QTest>
#include <QTimer>
#include <QWidget>
#include <functional>

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

// Runs `interact` on the next modal dialog once it is shown; the caller then
// opens the dialog (whose exec() blocks until `interact` closes it).
template <typename D> void onNextDialog(std::function<void(D *)> interact)
{
    QTimer::singleShot(0, [interact] {
        for (int i = 0; i < 200; ++i) {
            if (auto *dialog = qobject_cast<D *>(QApplication::activeModalWidget())) {
                interact(dialog);
                return;
            }
            QTest::qWait(10);
        }
        qFatal("the expected dialog did not open");
    });
}

} // namespace hale::test
