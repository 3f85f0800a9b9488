#pragma once

// Helpers the parts of LocalStore share (local_store*.cpp and the migrations):
// statements that log their failure under one category. Not for other modules.

#include <QLoggingCategory>
#include <QString>

class QSqlQuery;

Q_DECLARE_LOGGING_CATEGORY(lcStore)

namespace hale::store {

// Runs sql; logs and returns false on failure.
bool exec(QSqlQuery &q, const QString &sql);
// Runs an already prepared statement; logs and returns false on failure.
bool execPrepared(QSqlQuery &q);
// The message a person sees when a write could not be stored.
QString storageError();

} // namespace hale::store
