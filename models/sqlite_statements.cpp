#include "models/sqlite_statements.h"

#include "models/store_sql.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <sqlite3.h>

namespace hale::store {

namespace {

sqlite3 *handleOf(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

int bind(sqlite3_stmt *statement, int index, const QVariant &value)
{
    if (value.isNull())
        return sqlite3_bind_null(statement, index);
    switch (value.typeId()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return sqlite3_bind_int64(statement, index, value.toLongLong());
    case QMetaType::Double:
    case QMetaType::Float:
        return sqlite3_bind_double(statement, index, value.toDouble());
    case QMetaType::QByteArray: { // UTF-8 text already (a record's stamps, rowOf's text)
        // Not copied: `value` outlives the statement's run, whose end
        // clears the bindings (finish).
        const auto *text = static_cast<const QByteArray *>(value.constData());
        return sqlite3_bind_text(statement, index, text->constData(), int(text->size()),
                                 SQLITE_STATIC);
    }
    default: {
        // As UTF-8, the database's own encoding: bound as UTF-16, SQLite
        // converted every value on its way in (a tenth of storing a page).
        const QByteArray text = value.toString().toUtf8();
        return sqlite3_bind_text(statement, index, text.constData(), int(text.size()),
                                 SQLITE_TRANSIENT);
    }
    }
}

} // namespace

void SqliteStatements::clear()
{
    for (auto &[sql, statement] : m_statements)
        sqlite3_finalize(statement);
    m_statements.clear();
    m_db = nullptr;
}

sqlite3_stmt *SqliteStatements::prepare(const QSqlDatabase &db, const QString &sql,
                                        const QVariantList &values)
{
    sqlite3 *handle = handleOf(db);
    if (!handle) {
        qCWarning(lcStore) << "no SQLite connection for a statement";
        return nullptr;
    }
    if (handle != m_db) { // another connection than the statements were made on
        clear();
        m_db = handle;
    }
    sqlite3_stmt *&statement = m_statements[sql];
    if (!statement &&
        sqlite3_prepare_v3(handle, sql.toUtf8().constData(), -1, SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr) != SQLITE_OK) {
        qCWarning(lcStore) << "SQL prepare failed:" << sqlite3_errmsg(handle);
        m_statements.erase(sql);
        return nullptr;
    }
    bool ok = sqlite3_bind_parameter_count(statement) == values.size();
    for (int i = 0; ok && i < values.size(); ++i)
        ok = bind(statement, i + 1, values.at(i)) == SQLITE_OK;
    if (!ok) {
        qCWarning(lcStore) << "SQL bind failed:" << sqlite3_errmsg(handle);
        finish(statement, true);
        return nullptr;
    }
    return statement;
}

bool SqliteStatements::finish(sqlite3_stmt *statement, bool ok)
{
    if (!ok)
        qCWarning(lcStore) << "SQL failed:" << sqlite3_errmsg(m_db);
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    return ok;
}

bool SqliteStatements::run(const QSqlDatabase &db, const QString &sql, const QVariantList &values)
{
    sqlite3_stmt *statement = prepare(db, sql, values);
    return statement && finish(statement, sqlite3_step(statement) == SQLITE_DONE);
}

int SqliteStatements::changes() const
{
    return m_db ? sqlite3_changes(m_db) : 0;
}

bool SqliteStatements::query(const QSqlDatabase &db, const QString &sql, const QVariantList &values,
                             const std::function<void(const Row &)> &onRow)
{
    sqlite3_stmt *statement = prepare(db, sql, values);
    if (!statement)
        return false;
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(statement)) == SQLITE_ROW)
        onRow(Row(statement));
    return finish(statement, step == SQLITE_DONE);
}

QVariant SqliteStatements::Row::value(int column) const
{
    switch (sqlite3_column_type(m_statement, column)) {
    case SQLITE_INTEGER:
        return qlonglong(sqlite3_column_int64(m_statement, column));
    case SQLITE_FLOAT:
        return sqlite3_column_double(m_statement, column);
    case SQLITE_NULL:
        return {};
    default:
        return QString::fromUtf8(utf8(column));
    }
}

QByteArray SqliteStatements::Row::utf8(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QByteArray(text, sqlite3_column_bytes(m_statement, column));
}

} // namespace hale::store
