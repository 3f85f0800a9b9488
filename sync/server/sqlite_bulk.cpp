#include "sync/server/sqlite_bulk.h"

#include <QSqlDriver>
#include <QVariant>
#include <memory>
#include <sqlite3.h>

namespace hale::server {

namespace {

struct StatementDeleter
{
    void operator()(sqlite3_stmt *statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

Statement prepare(sqlite3 *connection, const char *sql, QString *error)
{
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(connection, sql, -1, &statement, nullptr) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(connection));
        sqlite3_finalize(statement);
        return nullptr;
    }
    return Statement(statement);
}

// SQLITE_STATIC: each value outlives the step that reads it.
int bindText(sqlite3_stmt *statement, int index, const QByteArray &text)
{
    return sqlite3_bind_text(statement, index, text.constData(), int(text.size()), SQLITE_STATIC);
}

} // namespace

SqliteBulk::SqliteBulk(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_connection = *static_cast<sqlite3 *const *>(handle.constData());
}

bool SqliteBulk::readStates(const QByteArray &userId, const QByteArray &kind,
                            const QList<QByteArray> &ids, QList<QByteArray> *states, QString *error)
{
    if (!m_connection) {
        *error = QStringLiteral("not a SQLite connection");
        return false;
    }
    // One primary-key lookup per id.
    const Statement read = prepare(
        m_connection, "SELECT state FROM records WHERE user_id = ? AND kind = ? AND id = ?", error);
    if (!read || bindText(read.get(), 1, userId) != SQLITE_OK ||
        bindText(read.get(), 2, kind) != SQLITE_OK) {
        if (error->isEmpty())
            *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
        return false;
    }
    for (const QByteArray &id : ids) {
        bindText(read.get(), 3, id);
        const int step = sqlite3_step(read.get());
        if (step == SQLITE_ROW) {
            *states << QByteArray(static_cast<const char *>(sqlite3_column_blob(read.get(), 0)),
                                  sqlite3_column_bytes(read.get(), 0));
        } else if (step != SQLITE_DONE) {
            *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
            return false;
        }
        sqlite3_reset(read.get());
    }
    return true;
}

bool SqliteBulk::writeRows(const QByteArray &userId, const QList<Row> &rows, QString *error)
{
    if (!m_connection) {
        *error = QStringLiteral("not a SQLite connection");
        return false;
    }
    const Statement write =
        prepare(m_connection,
                "INSERT INTO records (user_id, kind, id, state, seq) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (user_id, kind, id) DO UPDATE SET "
                "state = excluded.state, seq = excluded.seq",
                error);
    if (!write)
        return false;
    if (bindText(write.get(), 1, userId) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
        return false;
    }
    for (const Row &row : rows) {
        if (bindText(write.get(), 2, row.kind) != SQLITE_OK ||
            bindText(write.get(), 3, row.id) != SQLITE_OK ||
            bindText(write.get(), 4, row.state) != SQLITE_OK ||
            sqlite3_bind_int64(write.get(), 5, row.seq) != SQLITE_OK ||
            sqlite3_step(write.get()) != SQLITE_DONE) {
            *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
            return false;
        }
        sqlite3_reset(write.get());
    }
    return true;
}

} // namespace hale::server
