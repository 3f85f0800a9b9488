#pragma once

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

struct sqlite3;

namespace hale::server {

// The sync path's record reads and writes on SQLite through its C API, on
// the connection QSQLITE opened (and inside its current transaction). QtSql
// binds each value as a QVariant and UTF-16 text, which SQLite translated
// back to UTF-8: a third of a bulk push's server time went to binding and
// multi-row statements (docs/benchmarks.md). Here each statement is
// prepared once per call and run per row, its text bound as UTF-8.
class SqliteBulk
{
public:
    explicit SqliteBulk(const QSqlDatabase &db);
    bool isValid() const { return m_connection != nullptr; }

    struct Row
    {
        QByteArray kind;
        QByteArray id;
        QByteArray state; // JSON
        qint64 seq = 0;
    };
    // The stored states (JSON) of these ids of one kind; false on failure
    // (`error` says why).
    bool readStates(const QByteArray &userId, const QByteArray &kind, const QList<QByteArray> &ids,
                    QList<QByteArray> *states, QString *error);
    // Inserts or replaces each row's state and sequence number.
    bool writeRows(const QByteArray &userId, const QList<Row> &rows, QString *error);

private:
    sqlite3 *m_connection = nullptr;
};

} // namespace hale::server
