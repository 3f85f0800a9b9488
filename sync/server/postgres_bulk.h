#pragma once

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

struct pg_conn;

namespace hale::server {

// The sync path's statements run through libpq on the connection QPSQL
// opened (and inside its current transaction). QPSQL 6.4 sends every bound
// value as an SQL literal inside an EXECUTE statement, so a 300 KB batch was
// escaped by Qt and then lexed and parsed again by PostgreSQL; and each
// prepared statement costs three round trips (PREPARE, EXECUTE, DEALLOCATE).
// Here the values travel out of line, as libpq parameters, in one round trip
// (an unnamed statement, planned for its parameters).
class PostgresBulk
{
public:
    explicit PostgresBulk(const QSqlDatabase &db);
    bool isValid() const { return m_connection != nullptr; }
    // Whether the connection still stands: reads what the server sent
    // without a round trip, so a server that restarted (and closed its end)
    // is noticed before a statement fails on it.
    bool connectionAlive() const;

    // Every row's columns as text (NULL as a null QByteArray), or nothing on
    // failure (`error` says why). A command gives no rows.
    std::optional<QList<QList<QByteArray>>> rows(const char *sql, const QList<QByteArray> &params,
                                                 QString *error);
    // The first column of every row, or nothing on failure (`error` says why).
    std::optional<QList<QByteArray>> column(const char *sql, const QList<QByteArray> &params,
                                            QString *error);
    bool command(const char *sql, const QList<QByteArray> &params, QString *error);

    // A PostgreSQL array literal of text values, UTF-8: each element
    // double-quoted, its quotes and backslashes escaped.
    static QByteArray textArray(const QList<QByteArray> &values);

private:
    pg_conn *m_connection = nullptr;
};

} // namespace hale::server
