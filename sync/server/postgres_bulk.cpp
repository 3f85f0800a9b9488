#include "sync/server/postgres_bulk.h"

#include <QSqlDriver>
#include <QVariant>
#include <libpq-fe.h>
#include <memory>
#include <vector>

namespace hale::server {

namespace {

struct ResultDeleter
{
    void operator()(PGresult *result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

Result execute(PGconn *connection, const char *sql, const QList<QByteArray> &params)
{
    std::vector<const char *> values;
    values.reserve(size_t(params.size()));
    for (const QByteArray &param : params)
        values.push_back(param.constData()); // QByteArray data is NUL-terminated
    return Result(PQexecParams(connection, sql, int(values.size()), nullptr, values.data(), nullptr,
                               nullptr, 0));
}

} // namespace

PostgresBulk::PostgresBulk(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    // QPSQL hands out its PGconn* as the driver's handle; Qt 6.4 names the
    // type after the struct ("pg_conn*"), older versions after the typedef.
    const char *type = handle.isValid() ? handle.typeName() : nullptr;
    if (type && (qstrcmp(type, "pg_conn*") == 0 || qstrcmp(type, "PGconn*") == 0))
        m_connection = *static_cast<PGconn *const *>(handle.constData());
}

std::optional<QList<QList<QByteArray>>>
PostgresBulk::rows(const char *sql, const QList<QByteArray> &params, QString *error)
{
    if (!m_connection) {
        *error = QStringLiteral("not a PostgreSQL connection");
        return std::nullopt;
    }
    const Result result = execute(m_connection, sql, params);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        *error = QString::fromUtf8(PQresultErrorMessage(result.get())).trimmed();
        return std::nullopt;
    }
    QList<QList<QByteArray>> out;
    const int rowCount = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    out.reserve(rowCount);
    for (int row = 0; row < rowCount; ++row) {
        QList<QByteArray> values;
        values.reserve(columns);
        for (int column = 0; column < columns; ++column) {
            values << (PQgetisnull(result.get(), row, column)
                           ? QByteArray()
                           : QByteArray(PQgetvalue(result.get(), row, column),
                                        PQgetlength(result.get(), row, column)));
        }
        out << values;
    }
    return out;
}

std::optional<QList<QByteArray>>
PostgresBulk::column(const char *sql, const QList<QByteArray> &params, QString *error)
{
    if (!m_connection) {
        *error = QStringLiteral("not a PostgreSQL connection");
        return std::nullopt;
    }
    const Result result = execute(m_connection, sql, params);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
        *error = QString::fromUtf8(PQresultErrorMessage(result.get())).trimmed();
        return std::nullopt;
    }
    QList<QByteArray> values;
    const int rows = PQntuples(result.get());
    values.reserve(rows);
    for (int row = 0; row < rows; ++row)
        values << QByteArray(PQgetvalue(result.get(), row, 0), PQgetlength(result.get(), row, 0));
    return values;
}

bool PostgresBulk::command(const char *sql, const QList<QByteArray> &params, QString *error)
{
    if (!m_connection) {
        *error = QStringLiteral("not a PostgreSQL connection");
        return false;
    }
    const Result result = execute(m_connection, sql, params);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        *error = QString::fromUtf8(PQresultErrorMessage(result.get())).trimmed();
        return false;
    }
    return true;
}

bool PostgresBulk::connectionAlive() const
{
    return m_connection && PQconsumeInput(m_connection) == 1 &&
           PQstatus(m_connection) == CONNECTION_OK;
}

QByteArray PostgresBulk::textArray(const QList<QByteArray> &values)
{
    qsizetype size = 2 + values.size() * 3;
    for (const QByteArray &value : values)
        size += value.size() + value.count('"') + value.count('\\');
    QByteArray out;
    out.reserve(size);
    out += '{';
    for (const QByteArray &value : values) {
        if (out.size() > 1)
            out += ',';
        out += '"';
        qsizetype from = 0;
        // Copy runs between the characters that need a backslash.
        for (qsizetype i = 0; i < value.size(); ++i) {
            const char c = value.at(i);
            if (c == '"' || c == '\\') {
                out.append(value.constData() + from, i - from);
                out += '\\';
                from = i;
            }
        }
        out.append(value.constData() + from, value.size() - from);
        out += '"';
    }
    out += '}';
    return out;
}

} // namespace hale::server
