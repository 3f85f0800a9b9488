#include "sync/server/signing_secret.h"

#include "sync/server/crypto.h"
#include "sync/server/server_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace hale::server {

namespace {

std::optional<QByteArray> readKey(const QString &path, QString *error)
{
    QFile file(path);
#ifndef Q_OS_WIN // Windows: the folder's ACL decides; see docs/server.md
    if (file.permissions() & (QFileDevice::ReadOther | QFileDevice::WriteOther)) {
        *error = QStringLiteral("the signing key %1 may be read by every user of this machine; "
                                "make it the service account's alone (chmod 600 %1)")
                     .arg(path);
        return std::nullopt;
    }
#endif
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the signing key %1").arg(path);
        return std::nullopt;
    }
    auto secret = crypto::fromBase64Url(file.readAll().trimmed());
    if (!secret || secret->size() < 32) {
        *error = QStringLiteral("the signing key %1 is damaged").arg(path);
        return std::nullopt;
    }
    return secret;
}

std::optional<QByteArray> writeNewKey(const QString &path, QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const QString secret = crypto::randomToken(32);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(secret.toLatin1() + '\n') < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write the signing key %1").arg(path);
        return std::nullopt;
    }
    return crypto::fromBase64Url(secret.toLatin1());
}

} // namespace

QByteArray loadSigningSecret(const QString &path, ServerStore &store, QString *error)
{
    try {
        const QString known = store.signingKeyFingerprint();
        std::optional<QByteArray> secret;
        if (QFileInfo::exists(path)) {
            secret = readKey(path, error);
        } else if (!known.isEmpty()) {
            *error = QStringLiteral("this database is served with a signing key that %1 does not "
                                    "hold: copy the key file of the instance that made it there "
                                    "(owner-only, chmod 600) rather than make another")
                         .arg(path);
            return {};
        } else {
            secret = writeNewKey(path, error);
        }
        if (!secret)
            return {};
        if (!store.adoptSigningKeyFingerprint(crypto::keyFingerprint(*secret))) {
            *error = QStringLiteral("the signing key %1 is not the one the other instances on "
                                    "this database use: give every instance the same key file")
                         .arg(path);
            return {};
        }
        return *secret;
    } catch (const std::exception &e) {
        *error = QStringLiteral("the signing key cannot be checked against the database: %1")
                     .arg(QString::fromUtf8(e.what()));
        return {};
    }
}

} // namespace hale::server
