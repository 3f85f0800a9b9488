#pragma once

#include <QStringList>

class QWidget;

namespace hale::files {

// The file dialogs the app uses, with one seam for tests: a name queued by
// setNextFileName() is returned by the next call instead of showing a dialog
// (an empty name stands for "cancelled").
QString openFileName(QWidget *parent, const QString &caption, const QString &dir,
                     const QString &filter);
// Several files to open; a queued name may hold several, one per line.
QStringList openFileNames(QWidget *parent, const QString &caption, const QString &dir,
                          const QString &filter);
QString saveFileName(QWidget *parent, const QString &caption, const QString &path,
                     const QString &filter);
QString existingDirectory(QWidget *parent, const QString &caption, const QString &dir);

void setNextFileName(const QString &name);

} // namespace hale::files
