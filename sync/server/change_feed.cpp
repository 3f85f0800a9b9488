#include "sync/server/change_feed.h"

#include "sync/server/postgres_bulk.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QUrl>
#include <libpq-fe.h>

Q_LOGGING_CATEGORY(lcFeed, "hale.server.feed")

namespace hale::server {

namespace {

constexpr int kHealthCheckMs = 2000;
constexpr int kFlushMs = 10;
// PostgreSQL refuses payloads of 8,000 bytes or more.
constexpr qsizetype kMaxPayload = 7900;

QByteArray quoted(const QString &value)
{
    QByteArray v = value.toUtf8();
    v.replace('\\', "\\\\").replace('\'', "\\'");
    return '\'' + v + '\'';
}

} // namespace

ChangeFeed::ChangeFeed(const QString &databaseUrl, QObject *parent)
    : QObject(parent), m_conninfo(connectionString(databaseUrl)),
      m_instance(QByteArray::number(QRandomGenerator::system()->generate64(), 36)), m_health(this),
      m_flush(this)
{
    m_health.setInterval(kHealthCheckMs);
    QObject::connect(&m_health, &QTimer::timeout, this, &ChangeFeed::check);
    m_flush.setSingleShot(true);
    m_flush.setInterval(kFlushMs);
    QObject::connect(&m_flush, &QTimer::timeout, this, &ChangeFeed::flush);
}

ChangeFeed::~ChangeFeed()
{
    disconnect();
}

QByteArray ChangeFeed::connectionString(const QString &databaseUrl)
{
    const QUrl url(databaseUrl);
    QByteArray info = "host=" + quoted(url.host()) + " port=" + QByteArray::number(url.port(5432)) +
                      " dbname=" + quoted(url.path().mid(1));
    if (!url.userName().isEmpty())
        info += " user=" + quoted(url.userName());
    if (!url.password().isEmpty())
        info += " password=" + quoted(url.password());
    // A dead peer is noticed by TCP within seconds, not hours.
    info += " connect_timeout=3 keepalives=1 keepalives_idle=10 keepalives_interval=5 "
            "keepalives_count=3";
    // Which instance's listener a connection is, for an operator (and the
    // tests) looking at pg_stat_activity.
    info += " application_name=hale-server-feed-" +
            QByteArray::number(QCoreApplication::applicationPid());
    return info;
}

void ChangeFeed::start()
{
    connect();
    m_health.start();
}

bool ChangeFeed::connect()
{
    m_connection = PQconnectdb(m_conninfo.constData());
    if (PQstatus(m_connection) != CONNECTION_OK) {
        qCWarning(lcFeed) << "cannot connect to listen for other instances' changes:"
                          << PQerrorMessage(m_connection);
        PQfinish(std::exchange(m_connection, nullptr));
        return false;
    }
    const QByteArray listen = QByteArray("LISTEN ") + kChannel;
    if (!execute(listen.constData(), {})) {
        disconnect();
        return false;
    }
    PQsetnonblocking(m_connection, 1);
    m_notifier = new QSocketNotifier(PQsocket(m_connection), QSocketNotifier::Read, this);
    QObject::connect(m_notifier, &QSocketNotifier::activated, this, &ChangeFeed::readNotifications);
    if (std::exchange(m_everConnected, true)) {
        qCInfo(lcFeed) << "listening again for other instances' changes";
        emit reconnected();
    }
    flush(); // what was committed while the connection was down
    return true;
}

void ChangeFeed::disconnect()
{
    delete std::exchange(m_notifier, nullptr);
    if (m_connection)
        PQfinish(std::exchange(m_connection, nullptr));
}

void ChangeFeed::check()
{
    // A query, not PQstatus(): a connection whose server went away looks
    // fine until it is used.
    if (m_connection && execute("SELECT 1", {}))
        return;
    disconnect();
    connect();
}

bool ChangeFeed::execute(const char *sql, const QList<QByteArray> &params)
{
    QList<const char *> values;
    for (const QByteArray &p : params)
        values << p.constData();
    PQsetnonblocking(m_connection, 0);
    PGresult *result = PQexecParams(m_connection, sql, int(values.size()), nullptr,
                                    values.constData(), nullptr, nullptr, 0);
    const ExecStatusType status = PQresultStatus(result);
    const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!ok)
        qCWarning(lcFeed) << "the change feed's statement failed:" << PQerrorMessage(m_connection);
    PQclear(result);
    PQsetnonblocking(m_connection, 1);
    // Notifications that arrived with the answer wait in libpq, not in the
    // socket: read them now.
    if (ok)
        readNotifications();
    return ok;
}

void ChangeFeed::readNotifications()
{
    if (!m_connection)
        return;
    if (!PQconsumeInput(m_connection)) {
        disconnect();
        QTimer::singleShot(0, this, &ChangeFeed::check);
        return;
    }
    while (PGnotify *notify = PQnotifies(m_connection)) {
        const QList<QByteArray> lines = QByteArray(notify->extra).split('\n');
        PQfreemem(notify);
        if (lines.isEmpty() || lines.first() == m_instance)
            continue; // this instance's own: its streams were told already
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> parts = lines[i].split(' ');
            bool ok = false;
            const qint64 seq = parts.size() == 3 ? parts[1].toLongLong(&ok) : 0;
            if (ok)
                emit changed(QString::fromLatin1(parts[0]), seq, QString::fromLatin1(parts[2]));
        }
    }
}

void ChangeFeed::committed(const QString &userId, qint64 seq, const QString &deviceId)
{
    qint64 &latest = m_pending[{userId, deviceId}];
    latest = std::max(latest, seq);
    if (!m_flush.isActive())
        m_flush.start();
}

void ChangeFeed::flush()
{
    if (!m_connection || m_pending.isEmpty())
        return;
    QList<QByteArray> payloads{m_instance};
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        const QByteArray line = '\n' + it.key().first.toLatin1() + ' ' +
                                QByteArray::number(it.value()) + ' ' + it.key().second.toLatin1();
        if (payloads.last().size() + line.size() > kMaxPayload)
            payloads << m_instance;
        payloads.last() += line;
    }
    for (const QByteArray &payload : payloads) {
        // Kept for the next try if the connection failed.
        if (!execute("SELECT pg_notify($1, $2)", {kChannel, payload}))
            return;
    }
    m_pending.clear();
}

void ChangeFeed::catchUp(const QStringList &userIds)
{
    if (!m_connection || userIds.isEmpty())
        return;
    QList<QByteArray> ids;
    for (const QString &id : userIds)
        ids << id.toUtf8();
    const QByteArray array = PostgresBulk::textArray(ids);
    const char *values[] = {array.constData()};
    PQsetnonblocking(m_connection, 0);
    PGresult *result =
        PQexecParams(m_connection, "SELECT id, change_seq FROM users WHERE id = ANY($1::text[])", 1,
                     nullptr, values, nullptr, nullptr, 0);
    PQsetnonblocking(m_connection, 1);
    if (PQresultStatus(result) == PGRES_TUPLES_OK) {
        for (int row = 0; row < PQntuples(result); ++row)
            emit changed(QString::fromUtf8(PQgetvalue(result, row, 0)),
                         QByteArray(PQgetvalue(result, row, 1)).toLongLong(), QString());
    }
    PQclear(result);
}

} // namespace hale::server
