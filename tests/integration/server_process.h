#pragma once

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace hale::test {

// The real hale-server binary on a free loopback port, stopped when this
// object goes away. Extra settings go into an INI file passed with --config.
class ServerProcess
{
public:
    explicit ServerProcess(const QString &iniBody = {}, const QStringList &extraArgs = {})
    {
        QStringList args{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data"))};
        if (!iniBody.isEmpty()) {
            const QString ini = m_dir.filePath(QStringLiteral("server.ini"));
            QFile file(ini);
            if (file.open(QIODevice::WriteOnly))
                file.write(iniBody.toUtf8());
            args << QStringLiteral("--config") << ini;
        }
        m_process.setProgram(QString::fromLocal8Bit(qgetenv("HALE_SERVER_BINARY")));
        m_process.setArguments(args + extraArgs);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
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
    ~ServerProcess()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }

    bool started() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    QString baseUrl() const
    {
        return QStringLiteral("%1://127.0.0.1:%2").arg(m_scheme).arg(m_port);
    }
    QString stderrText() { return QString::fromUtf8(m_process.readAllStandardError()); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_scheme;
    quint16 m_port = 0;
};

} // namespace hale::test
