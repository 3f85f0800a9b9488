#include "ui/file_dialogs.h"

#include <QFileDialog>
#include <optional>

namespace hale::files {

namespace {
std::optional<QString> &nextName()
{
    static std::optional<QString> name;
    return name;
}

std::optional<QString> takeNextName()
{
    return std::exchange(nextName(), std::nullopt);
}
} // namespace

void setNextFileName(const QString &name)
{
    nextName() = name;
}

QString openFileName(QWidget *parent, const QString &caption, const QString &dir,
                     const QString &filter)
{
    if (auto name = takeNextName())
        return *name;
    return QFileDialog::getOpenFileName(parent, caption, dir, filter);
}

QStringList openFileNames(QWidget *parent, const QString &caption, const QString &dir,
                          const QString &filter)
{
    if (auto names = takeNextName())
        return names->split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return QFileDialog::getOpenFileNames(parent, caption, dir, filter);
}

QString saveFileName(QWidget *parent, const QString &caption, const QString &path,
                     const QString &filter)
{
    if (auto name = takeNextName())
        return *name;
    return QFileDialog::getSaveFileName(parent, caption, path, filter);
}

QString existingDirectory(QWidget *parent, const QString &caption, const QString &dir)
{
    if (auto name = takeNextName())
        return *name;
    return QFileDialog::getExistingDirectory(parent, caption, dir);
}

} // namespace hale::files
