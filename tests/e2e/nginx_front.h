// Debian's nginx with the shipped site (installer/nginx/hale-server.conf,
// named by HALE_NGINX_SITE) in front of two hale-server instances, on a
// free loopback port, with a throwaway certificate for 127.0.0.1 that this
// process trusts. For the deployment test and the live-sync benchmark.
#pragma once

#include "../integration/server_process.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

namespace hale::test {

class NginxFront
{
public:
    ~NginxFront()
    {
        m_nginx.terminate();
        m_nginx.waitForFinished(5000);
    }

    // Starts nginx before the instances on these ports; false and `error`
    // on any failure.
    bool start(quint16 first, quint16 second, QString *error)
    {
        QString cert, key;
        if (!makeTestCertificate(m_dir.path(), &cert, &key)) {
            *error = QStringLiteral("openssl could not make a test certificate");
            return false;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(cert);
        QSslConfiguration::setDefaultConfiguration(tls);

        {
            QTcpServer probe; // a free port, given up for nginx to take
            probe.listen(QHostAddress::LocalHost, 0);
            m_port = probe.serverPort();
        }
        if (!writeConfig(first, second, error))
            return false;
        const QStringList args{QStringLiteral("-p"), m_dir.path(),
                               QStringLiteral("-e"), path(QStringLiteral("error.log")),
                               QStringLiteral("-c"), path(QStringLiteral("nginx.conf"))};
        if (!run(QStringLiteral("/usr/sbin/nginx"), QStringList{QStringLiteral("-t")} + args,
                 error))
            return false;
        m_nginx.setProcessChannelMode(QProcess::ForwardedChannels);
        m_nginx.start(QStringLiteral("/usr/sbin/nginx"), args);
        if (!m_nginx.waitForStarted()) {
            *error = QStringLiteral("nginx did not start");
            return false;
        }
        for (int i = 0; i < 100; ++i) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            if (probe.waitForConnected(100))
                return true;
            QTest::qWait(50);
        }
        *error = QStringLiteral("nginx does not answer on port %1").arg(m_port);
        return false;
    }

    QString url() const { return QStringLiteral("https://127.0.0.1:%1").arg(m_port); }

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }

    static bool run(const QString &program, const QStringList &arguments, QString *error)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, arguments);
        if (p.waitForFinished(60'000) && p.exitStatus() == QProcess::NormalExit &&
            p.exitCode() == 0)
            return true;
        *error = program + QStringLiteral(": ") + QString::fromLocal8Bit(p.readAll());
        return false;
    }

    bool writeFile(const QString &name, const QString &text) const
    {
        QFile f(path(name));
        return f.open(QIODevice::WriteOnly) && f.write(text.toUtf8()) == text.toUtf8().size();
    }

    // The shipped site, pointed at these ports, certificate and folder.
    bool writeConfig(quint16 first, quint16 second, QString *error)
    {
        QFile shipped(QString::fromLocal8Bit(qgetenv("HALE_NGINX_SITE")));
        if (!shipped.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("HALE_NGINX_SITE does not name the shipped nginx site");
            return false;
        }
        QString site = QString::fromUtf8(shipped.readAll());
        const QList<std::pair<QString, QString>> edits{
            {QStringLiteral("server 127.0.0.1:8787 "),
             QStringLiteral("server 127.0.0.1:%1 ").arg(first)},
            {QStringLiteral("server 127.0.0.1:8788 "),
             QStringLiteral("server 127.0.0.1:%1 ").arg(second)},
            {QStringLiteral("listen 443 ssl;"),
             QStringLiteral("listen 127.0.0.1:%1 ssl;").arg(m_port)},
            {QStringLiteral("listen [::]:443 ssl;"), QString()},
            {QStringLiteral("/etc/ssl/hale/fullchain.pem"), path(QStringLiteral("cert.pem"))},
            {QStringLiteral("/etc/ssl/hale/privkey.pem"), path(QStringLiteral("key.pem"))},
        };
        for (const auto &[from, to] : edits) {
            if (!site.contains(from)) {
                *error = QStringLiteral("the shipped site no longer has \"%1\"").arg(from);
                return false;
            }
            site.replace(from, to);
        }
        QDir(m_dir.path()).mkpath(QStringLiteral("tmp"));
        // As root, nginx's workers would run as nobody, who cannot use this
        // folder.
        const QString main =
            QStringLiteral("%1daemon off;\nworker_processes 1;\npid %2/nginx.pid;\n"
                           "error_log %2/error.log info;\nevents { worker_connections 4096; }\n"
                           "http {\n  access_log %2/access.log;\n"
                           "  client_body_temp_path %2/tmp/body;\n  proxy_temp_path %2/tmp/proxy;\n"
                           "  fastcgi_temp_path %2/tmp/fastcgi;\n  uwsgi_temp_path %2/tmp/uwsgi;\n"
                           "  scgi_temp_path %2/tmp/scgi;\n  include %2/site.conf;\n}\n")
                .arg(geteuid() == 0 ? QStringLiteral("user root;\n") : QString(), m_dir.path());
        if (!writeFile(QStringLiteral("site.conf"), site) ||
            !writeFile(QStringLiteral("nginx.conf"), main)) {
            *error = QStringLiteral("cannot write the nginx configuration");
            return false;
        }
        return true;
    }

    QTemporaryDir m_dir;
    QProcess m_nginx;
    quint16 m_port = 0;
};

} // namespace hale::test
