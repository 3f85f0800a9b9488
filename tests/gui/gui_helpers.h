#pragma once

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QHash>
#include <QLabel>
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

// Finds an object in the accessibility tree under `root` by its name (and
// role), as a screen reader walks it; null when there is none.
inline QAccessibleInterface *accessibleByName(QWidget *root, const QString &name,
                                              QAccessible::Role role = QAccessible::NoRole)
{
    QList<QAccessibleInterface *> todo{QAccessible::queryAccessibleInterface(root)};
    while (!todo.isEmpty()) {
        QAccessibleInterface *node = todo.takeFirst();
        if (!node || !node->isValid())
            continue;
        if (node->text(QAccessible::Name) == name &&
            (role == QAccessible::NoRole || node->role() == role) && !node->state().invisible)
            return node;
        for (int i = 0; i < node->childCount(); ++i)
            todo << node->child(i);
    }
    return nullptr;
}

// Runs an object's accessible action (press, toggle) as assistive technology
// does; false if it has no such action.
inline bool doAccessibleAction(QAccessibleInterface *node, const QString &action)
{
    if (!node || !node->actionInterface() ||
        !node->actionInterface()->actionNames().contains(action))
        return false;
    node->actionInterface()->doAction(action);
    return true;
}

// Controls under `root`, shown now, whose Alt+letter another one has too
// ("m: &Metric and a &meal"): on one screen a letter must reach one control.
inline QStringList altLetterClashes(QWidget *root)
{
    QHash<QChar, QString> taken;
    QStringList clashes;
    for (QWidget *w : root->findChildren<QWidget *>()) {
        if (!w->isVisible())
            continue;
        QString text;
        if (auto *button = qobject_cast<QAbstractButton *>(w))
            text = button->text();
        else if (auto *label = qobject_cast<QLabel *>(w); label && label->buddy())
            text = label->text();
        const qsizetype amp = text.indexOf(QLatin1Char('&'));
        if (amp < 0 || amp + 1 >= text.size())
            continue;
        const QChar key = text.at(amp + 1).toLower();
        if (taken.contains(key))
            clashes << QStringLiteral("%1: \"%2\" and \"%3\"").arg(key, taken.value(key), text);
        taken.insert(key, text);
    }
    return clashes;
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
