#include "models/owner_only.h"

#include <QDir>
#include <QFileDevice>
#include <QFileInfo>

#if !defined(Q_OS_WIN)
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace hale::owner_only {

namespace {
constexpr QFileDevice::Permissions kFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kFolder = kFile | QFileDevice::ExeOwner;
} // namespace

bool restrictFolder(const QString &path)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(path);
    return true;
#else
    struct stat info = {};
    const QByteArray native = QFile::encodeName(path);
    if (::stat(native.constData(), &info) != 0 || !S_ISDIR(info.st_mode))
        return false;
    // Someone else's folder, a shared one (/tmp) or the home folder itself
    // (say, --data-dir ~): not Hale's to close.
    if (info.st_uid != ::geteuid() || (info.st_mode & S_ISVTX) != 0 ||
        QDir(path).canonicalPath() == QDir::home().canonicalPath())
        return true;
    if ((info.st_mode & 0777) == 0700)
        return true;
    return QFile::setPermissions(path, kFolder);
#endif
}

bool restrictFile(const QString &path)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(path);
    return true;
#else
    if (!QFileInfo::exists(path))
        return true;
    return QFile::setPermissions(path, kFile);
#endif
}

bool restrictOpenFile(QFileDevice &file)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(file);
    return true;
#else
    return file.setPermissions(kFile);
#endif
}

} // namespace hale::owner_only
