#pragma once

#include <QByteArray>
#include <QString>

namespace hale::server {

// The key that signs access tokens: read from `path`, or generated (32 random
// bytes) and written there with owner-only permissions on first start.
// Several instances behind one database must share the same file.
QByteArray loadOrCreateSigningSecret(const QString &path, QString *error);

} // namespace hale::server
