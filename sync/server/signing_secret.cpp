#include "sync/server/signing_secret.h"

#include "sync/server/crypto.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace hale::server {

QByteArray loadOrCreateSigningSecret(const QString &path, QString *error)
{
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the signing secret %1").arg(path);
            return {};
        }
        const auto secret = crypto::fromBase64Url(existing.readAll().trimmed());
        if (!secret || secret->size() < 32) {
            *error = QStringLiteral("the signing secret %1 is damaged").arg(path);
            return {};
        }
        return *secret;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    const QString secret = crypto::randomToken(32);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(secret.toLatin1() + '\n') < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write the signing secret %1").arg(path);
        return {};
    }
    return *crypto::fromBase64Url(secret.toLatin1());
}

} // namespace hale::server
