#include "models/store_sql.h"

#include "models/local_store.h"

#include <QSqlError>
#include <QSqlQuery>

Q_LOGGING_CATEGORY(lcStore, "hale.store")

namespace hale::store {

bool exec(QSqlQuery &q, const QString &sql)
{
    if (!q.exec(sql)) {
        qCWarning(lcStore) << "SQL failed:" << q.lastError().text();
        return false;
    }
    return true;
}

bool execPrepared(QSqlQuery &q)
{
    if (!q.exec()) {
        qCWarning(lcStore) << "SQL failed:" << q.lastError().text();
        return false;
    }
    return true;
}

QString storageError()
{
    return LocalStore::tr("The change could not be saved to the database.");
}

} // namespace hale::store
