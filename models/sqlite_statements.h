#pragma once

// Row writes straight through SQLite's C API on a QSqlDatabase's own
// connection. QtSql binds each value through several layers (QVariant
// copies, a cached result per execution); storing a first sync's 100,000
// records spent about 40 % of its time there. The statements live in the
// same connection, so they take part in its transactions. Private to models/.

#include <QString>
#include <QVariantList>
#include <functional>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;
class QSqlDatabase;

namespace hale::store {

class SqliteStatements
{
public:
    SqliteStatements() = default;
    SqliteStatements(const SqliteStatements &) = delete;
    SqliteStatements &operator=(const SqliteStatements &) = delete;
    ~SqliteStatements() { clear(); }

    // Finalises every statement; call before the connection closes.
    void clear();
    // Runs `sql` (no result rows) with `values` bound in order. False, with
    // the reason logged, if it could not be prepared or run.
    bool run(const QSqlDatabase &db, const QString &sql, const QVariantList &values);
    // Rows the last run() inserted, changed or deleted.
    int changes() const;

    // One result row of query(), valid during the callback.
    class Row
    {
    public:
        explicit Row(sqlite3_stmt *statement) : m_statement(statement) {}
        // As QtSql's SQLite driver gives it: integer, real, text or null.
        QVariant value(int column) const;
        // A text column's UTF-8 bytes as stored, without a QString between.
        QByteArray utf8(int column) const;

    private:
        sqlite3_stmt *m_statement;
    };
    // Runs `sql` with `values` bound in order and calls `onRow` for each row.
    // False, with the reason logged, if it could not be prepared or run.
    bool query(const QSqlDatabase &db, const QString &sql, const QVariantList &values,
               const std::function<void(const Row &)> &onRow);

private:
    // The prepared statement for `sql` on `db`'s connection, values bound.
    sqlite3_stmt *prepare(const QSqlDatabase &db, const QString &sql, const QVariantList &values);
    bool finish(sqlite3_stmt *statement, bool ok);

    sqlite3 *m_db = nullptr;
    std::unordered_map<QString, sqlite3_stmt *> m_statements;
};

} // namespace hale::store
