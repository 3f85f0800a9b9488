#pragma once

#include <QByteArray>
#include <QString>

namespace hale::server {

class ServerStore;

// The key that signs access tokens, read from `path`. Several instances
// behind one database must share it (a token one signs, another checks), so:
// - a key file that other users of the machine may read is refused;
// - the database keeps a fingerprint of the key its instances use (a keyed
//   hash: it reveals nothing of the key), and an instance with another key
//   refuses to start;
// - a missing file is generated (32 random bytes, owner-only) only while the
//   database names no key yet: the first instance makes it, the others must
//   be given a copy, never make their own.
// Empty, with `error` saying why and what to do, if the instance must not
// serve. The store must be migrated.
QByteArray loadSigningSecret(const QString &path, ServerStore &store, QString *error);

} // namespace hale::server
