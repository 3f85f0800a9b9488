#include "sync/server/sqlite_bulk.h"

#include <QSqlDriver>
#include <QVariant>
#include <sqlite3.h>

namespace hale::server {

namespace {

// SQLITE_STATIC: each value outlives the step that reads it.
int bindText(sqlite3_stmt *statement, int index, const QByteArray &text)
{
    return sqlite3_bind_text(statement, index, text.constData(), int(text.size()), SQLITE_STATIC);
}

// Leaves a statement ready for its next use, its text bindings released.
struct Resetter
{
    sqlite3_stmt *statement;
    ~Resetter()
    {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
    }
};

} // namespace

SqliteBulk::SqliteBulk(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_connection = *static_cast<sqlite3 *const *>(handle.constData());
}

SqliteBulk::~SqliteBulk()
{
    sqlite3_finalize(m_read);
    sqlite3_finalize(m_write);
    for (const auto &[sql, prepared] : m_statements)
        sqlite3_finalize(prepared);
}

std::optional<QList<QList<QByteArray>>> SqliteBulk::rows(const QString &sql,
                                                         const QVariantList &binds, QString *error)
{
    auto found = m_statements.find(sql);
    if (found == m_statements.end())
        found = m_statements.emplace(sql, nullptr).first;
    sqlite3_stmt *query = statement(&found->second, sql.toUtf8().constData(), error);
    if (!query) {
        m_statements.erase(found);
        return std::nullopt;
    }
    const Resetter done{query};
    for (int i = 0; i < binds.size(); ++i) {
        const QVariant &value = binds.at(i);
        int bound = SQLITE_OK;
        switch (value.typeId()) {
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
            bound = sqlite3_bind_int64(query, i + 1, value.toLongLong());
            break;
        default: {
            const QByteArray text = value.toString().toUtf8();
            bound = sqlite3_bind_text(query, i + 1, text.constData(), int(text.size()),
                                      SQLITE_TRANSIENT);
        }
        }
        if (bound != SQLITE_OK) {
            *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
            return std::nullopt;
        }
    }
    QList<QList<QByteArray>> out;
    const int columns = sqlite3_column_count(query);
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(query)) == SQLITE_ROW) {
        QList<QByteArray> row;
        row.reserve(columns);
        for (int column = 0; column < columns; ++column) {
            const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(query, column));
            row << (text ? QByteArray(text, sqlite3_column_bytes(query, column)) : QByteArray());
        }
        out << row;
    }
    if (step != SQLITE_DONE) {
        *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
        return std::nullopt;
    }
    return out;
}

sqlite3_stmt *SqliteBulk::statement(sqlite3_stmt **slot, const char *sql, QString *error)
{
    if (!m_connection) {
        *error = QStringLiteral("not a SQLite connection");
        return nullptr;
    }
    if (*slot)
        return *slot;
    if (sqlite3_prepare_v3(m_connection, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, nullptr) !=
        SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
        sqlite3_finalize(*slot);
        *slot = nullptr;
        return nullptr;
    }
    ++m_prepared;
    return *slot;
}

bool SqliteBulk::readStates(const QByteArray &userId, const QByteArray &kind,
                            const QList<QByteArray> &ids, QList<QByteArray> *states, QString *error)
{
    // One primary-key lookup per id.
    sqlite3_stmt *read = statement(
        &m_read, "SELECT state FROM records WHERE user_id = ? AND kind = ? AND id = ?", error);
    if (!read)
        return false;
    const Resetter done{read};
    if (bindText(read, 1, userId) != SQLITE_OK || bindText(read, 2, kind) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
        return false;
    }
    for (const QByteArray &id : ids) {
        bindText(read, 3, id);
        const int step = sqlite3_step(read);
        if (step == SQLITE_ROW) {
            *states << QByteArray(static_cast<const char *>(sqlite3_column_blob(read, 0)),
                                  sqlite3_column_bytes(read, 0));
        } else if (step != SQLITE_DONE) {
            *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
            return false;
        }
        sqlite3_reset(read);
    }
    return true;
}

bool SqliteBulk::writeRows(const QByteArray &userId, const QList<Row> &rows, QString *error)
{
    sqlite3_stmt *write =
        statement(&m_write,
                  "INSERT INTO records (user_id, kind, id, state, seq) VALUES (?, ?, ?, ?, ?) "
                  "ON CONFLICT (user_id, kind, id) DO UPDATE SET "
                  "state = excluded.state, seq = excluded.seq",
                  error);
    if (!write)
        return false;
    const Resetter done{write};
    if (bindText(write, 1, userId) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
        return false;
    }
    for (const Row &row : rows) {
        if (bindText(write, 2, row.kind) != SQLITE_OK || bindText(write, 3, row.id) != SQLITE_OK ||
            bindText(write, 4, row.state) != SQLITE_OK ||
            sqlite3_bind_int64(write, 5, row.seq) != SQLITE_OK ||
            sqlite3_step(write) != SQLITE_DONE) {
            *error = QString::fromUtf8(sqlite3_errmsg(m_connection));
            return false;
        }
        sqlite3_reset(write);
    }
    return true;
}

} // namespace hale::server
