#pragma once

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>
#include <optional>

namespace hale::test {

// Runs SQL on the PostgreSQL test cluster's maintenance database.
// Runs `sql` on the PostgreSQL database `url` names; the first value of its
// first row (an invalid QVariant if it has none), or nothing if it failed.
inline std::optional<QVariant> postgresQuery(const QString &url, const QString &sql)
{
    const QString name = QStringLiteral("hale-test-admin");
    std::optional<QVariant> result;
    {
        const QUrl parsed(url);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(parsed.host());
        db.setPort(parsed.port(5432));
        db.setUserName(parsed.userName());
        db.setPassword(parsed.password());
        db.setDatabaseName(parsed.path().mid(1));
        QSqlQuery q(db);
        if (db.open() && q.exec(sql))
            result = q.next() ? q.value(0) : QVariant();
        else
            qWarning() << "PostgreSQL admin:" << db.lastError().text() << q.lastError().text();
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

inline bool postgresAdmin(const QString &adminUrl, const QString &sql)
{
    return postgresQuery(adminUrl, sql).has_value();
}

// Stops ("pause") or starts again ("resume") the PostgreSQL test cluster, as
// an outage or a restart would (integration/postgres.sh).
inline bool postgresCluster(const QString &command)
{
    QProcess script;
    script.start(QString::fromLocal8Bit(qgetenv("HALE_TEST_POSTGRES_SCRIPT")),
                 {command, QString::fromLocal8Bit(qgetenv("HALE_TEST_POSTGRES_STATE"))});
    return script.waitForFinished(90000) && script.exitStatus() == QProcess::NormalExit &&
           script.exitCode() == 0;
}

// A throwaway self-signed certificate for 127.0.0.1 (valid a day), written
// to `dir` as cert.pem and key.pem for a test server to serve and a test
// client to trust. False if openssl could not make it.
inline bool makeTestCertificate(const QString &dir, QString *cert, QString *key)
{
    *cert = QDir(dir).filePath(QStringLiteral("cert.pem"));
    *key = QDir(dir).filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                   QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                   QStringLiteral("-keyout"), *key, QStringLiteral("-out"), *cert});
    return openssl.waitForFinished(30000) && openssl.exitStatus() == QProcess::NormalExit &&
           openssl.exitCode() == 0;
}

// The real hale-server binary on a free loopback port, stopped when this
// object goes away. Extra settings go into an INI file passed with --config.
// With HALE_TEST_DATABASE=postgres it gets a fresh database of its own on the
// test cluster named by HALE_TEST_POSTGRES_STATE (and fails if there is none).
class ServerProcess
{
public:
    static bool usesPostgres() { return qgetenv("HALE_TEST_DATABASE") == "postgres"; }

    // `launcher` runs the server through another program (e.g. prlimit).
    explicit ServerProcess(const QString &iniBody = {}, const QStringList &extraArgs = {},
                           const QStringList &launcher = {})
    {
        QStringList args{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data"))};
        if (usesPostgres()) {
            QFile state(QString::fromLocal8Bit(qgetenv("HALE_TEST_POSTGRES_STATE")));
            if (!state.open(QIODevice::ReadOnly)) {
                qWarning("the PostgreSQL test cluster is not running (no state file)");
                return;
            }
            m_adminUrl = QString::fromUtf8(state.readAll().trimmed());
            m_database =
                QStringLiteral("hale_") + QUuid::createUuid().toString(QUuid::Id128).left(12);
            if (!postgresAdmin(m_adminUrl, QStringLiteral("CREATE DATABASE %1").arg(m_database)))
                return;
            QUrl url(m_adminUrl);
            url.setPath(QLatin1Char('/') + m_database);
            args << QStringLiteral("--database") << url.toString();
        }
        if (!iniBody.isEmpty()) {
            const QString ini = m_dir.filePath(QStringLiteral("server.ini"));
            QFile file(ini);
            if (file.open(QIODevice::WriteOnly))
                file.write(iniBody.toUtf8());
            args << QStringLiteral("--config") << ini;
        }
        const QString binary = QString::fromLocal8Bit(qgetenv("HALE_SERVER_BINARY"));
        if (launcher.isEmpty()) {
            m_process.setProgram(binary);
        } else {
            m_process.setProgram(launcher.first());
            args = launcher.mid(1) + QStringList{binary} + args;
        }
        m_process.setArguments(args + extraArgs);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        // Into a file: a pipe nobody reads would fill with the access log
        // and stall the server.
        m_process.setStandardErrorFile(m_dir.filePath(QStringLiteral("stderr.log")),
                                       QIODevice::Append);
        launch();
    }

    // Starts the server again after stop() or kill(), on the same port and
    // database, as a restarted service would.
    bool restart()
    {
        stop();
        QStringList args = m_process.arguments();
        args[args.indexOf(QStringLiteral("--listen")) + 1] =
            QStringLiteral("127.0.0.1:%1").arg(m_port);
        m_process.setArguments(args);
        m_port = 0;
        launch();
        return started();
    }
    ~ServerProcess()
    {
        stop();
        if (!m_database.isEmpty())
            postgresAdmin(
                m_adminUrl,
                QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_database));
    }

private:
    void launch()
    {
        m_process.start();
        // The first line of stdout names the port.
        static const QRegularExpression listening(
            QStringLiteral("listening on (\\w+)://[^:]+:(\\d+)"));
        QString out;
        for (int i = 0; i < 100 && m_port == 0; ++i) {
            m_process.waitForReadyRead(100);
            out += QString::fromUtf8(m_process.readAllStandardOutput());
            const auto m = listening.match(out);
            if (m.hasMatch()) {
                m_scheme = m.captured(1);
                m_port = quint16(m.captured(2).toUInt());
            }
            if (m_process.state() == QProcess::NotRunning)
                break;
        }
    }

public:
    // Kills the server at once, as a crash or a pulled cable would.
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }

    // A copy of the server's database (stop() it first), and the server's
    // database put back to that copy, as an operator restoring a backup
    // would: the SQLite file, or a PostgreSQL database made from a template.
    bool backUp()
    {
        if (!m_database.isEmpty())
            return postgresAdmin(
                m_adminUrl,
                QStringLiteral("CREATE DATABASE %1_backup TEMPLATE %1").arg(m_database));
        const QString db = dataDir() + QStringLiteral("/hale-server.sqlite");
        QFile::copy(db + QStringLiteral("-wal"), db + QStringLiteral(".backup-wal"));
        return QFile::copy(db, db + QStringLiteral(".backup"));
    }
    bool restoreBackup()
    {
        if (!m_database.isEmpty())
            return postgresAdmin(m_adminUrl,
                                 QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(m_database)) &&
                   postgresAdmin(
                       m_adminUrl,
                       QStringLiteral("CREATE DATABASE %1 TEMPLATE %1_backup").arg(m_database)) &&
                   postgresAdmin(m_adminUrl,
                                 QStringLiteral("DROP DATABASE %1_backup").arg(m_database));
        const QString db = dataDir() + QStringLiteral("/hale-server.sqlite");
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(db + QLatin1String(suffix));
        QFile::copy(db + QStringLiteral(".backup-wal"), db + QStringLiteral("-wal"));
        return QFile::copy(db + QStringLiteral(".backup"), db);
    }

    // Runs one statement on the server's own database (while it runs), as
    // an operator or a test reaching behind the API would.
    // The first value `sql` gives on the server's PostgreSQL database.
    std::optional<QVariant> postgresValue(const QString &sql) const
    {
        QUrl url(m_adminUrl);
        url.setPath(QLatin1Char('/') + m_database);
        return m_database.isEmpty() ? std::nullopt : postgresQuery(url.toString(), sql);
    }

    bool runSql(const QString &sql)
    {
        if (!m_database.isEmpty()) {
            QUrl url(m_adminUrl);
            url.setPath(QLatin1Char('/') + m_database);
            return postgresAdmin(url.toString(), sql);
        }
        const QString name = QStringLiteral("hale-test-server-db");
        bool ok = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(dataDir() + QStringLiteral("/hale-server.sqlite"));
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
            ok = db.open() && QSqlQuery(db).exec(sql);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return ok;
    }

    bool started() const { return m_port != 0; }
    qint64 processId() const { return m_process.processId(); }
    // The server's PostgreSQL database (empty on SQLite): another instance
    // given "--database" with it serves the same data.
    QString databaseUrl() const
    {
        if (m_database.isEmpty())
            return {};
        QUrl url(m_adminUrl);
        url.setPath(QLatin1Char('/') + m_database);
        return url.toString();
    }
    // The server's data folder (its SQLite database and signing key).
    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }
    quint16 port() const { return m_port; }
    QString baseUrl() const
    {
        return QStringLiteral("%1://127.0.0.1:%2").arg(m_scheme).arg(m_port);
    }
    QString stderrText()
    {
        QFile log(m_dir.filePath(QStringLiteral("stderr.log")));
        return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_scheme;
    QString m_adminUrl;
    QString m_database;
    quint16 m_port = 0;
};

} // namespace hale::test
