#pragma once

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QVariantList>
#include <atomic>
#include <optional>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace hale::server {

// The sync path's record reads and writes on SQLite through its C API, on
// the connection QSQLITE opened (and inside its current transaction). QtSql
// binds each value as a QVariant and UTF-16 text, which SQLite translated
// back to UTF-8: a third of a bulk push's server time went to binding and
// multi-row statements (docs/benchmarks.md). Here each statement is
// prepared once per connection and run per row, its text bound as UTF-8.
// One per connection (ServerStore keeps them); destroy it before the
// connection closes.
class SqliteBulk
{
public:
    explicit SqliteBulk(const QSqlDatabase &db);
    ~SqliteBulk();
    SqliteBulk(const SqliteBulk &) = delete;
    SqliteBulk &operator=(const SqliteBulk &) = delete;
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
    // Any other statement ("?" placeholders; numbers bound as integers, the
    // rest as UTF-8 text): every row's columns as text, NULL as a null
    // QByteArray. Prepared on first use and kept.
    std::optional<QList<QList<QByteArray>>> rows(const QString &sql, const QVariantList &binds,
                                                 QString *error);

    // How many statements it keeps prepared (read from any thread).
    int preparedStatements() const { return m_prepared.load(); }

private:
    sqlite3_stmt *statement(sqlite3_stmt **slot, const char *sql, QString *error);

    sqlite3 *m_connection = nullptr;
    sqlite3_stmt *m_read = nullptr;
    sqlite3_stmt *m_write = nullptr;
    // rows(), by SQL: the server's own statements. Only the page query's
    // text varies (with how many kinds a request names, each at most once),
    // so this stays small whatever requests come in.
    std::unordered_map<QString, sqlite3_stmt *> m_statements;
    std::atomic<int> m_prepared{0};
};

} // namespace hale::server
