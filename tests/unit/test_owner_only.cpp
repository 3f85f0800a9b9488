#include "models/import_export.h"
#include "models/local_store.h"
#include "models/owner_only.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace hale;

namespace {
// The permission bits of a path, as `stat` gives them (0644, 0700, ...).
int modeOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

QString octal(int mode)
{
    return QString::number(mode, 8);
}
} // namespace

// Issue 19: with the usual umask 022 the data folder was created 0755 and
// hale.sqlite 0644, so every account on the computer could read a person's
// health data. The folder is owner-only now, and so are the database, its
// journal files, the backup made before an upgrade, and exports.
class TestOwnerOnly : public QObject
{
    Q_OBJECT

private:
    mode_t m_umask = 0;

private slots:
    void init() { m_umask = ::umask(022); } // as most desktops have it
    void cleanup() { ::umask(m_umask); }

    void aNewDataFolderAndItsDatabaseAreTheOwnersAlone()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        LocalStore store;
        QVERIFY(store.open(data).ok());
        QVERIFY(store
                    .create(QStringLiteral("journal"),
                            {{QStringLiteral("entry_date"), QDate::currentDate()},
                             {QStringLiteral("mood"), 3},
                             {QStringLiteral("text"), QStringLiteral("Private.")}})
                    .ok());
        QCOMPARE(octal(modeOf(data)), octal(0700));
        QCOMPARE(octal(modeOf(store.databasePath())), octal(0600));
        QVERIFY(QFile::exists(store.databasePath() + QStringLiteral("-wal")));
        QCOMPARE(octal(modeOf(store.databasePath() + QStringLiteral("-wal"))), octal(0600));
        QCOMPARE(octal(modeOf(store.databasePath() + QStringLiteral("-shm"))), octal(0600));
    }

    // A folder an older Hale left open is closed at the next start.
    void anExistingOpenFolderIsClosedAtStart()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        {
            LocalStore store;
            QVERIFY(store.open(data).ok());
        }
        QVERIFY(QFile::setPermissions(data, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                                QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                QFileDevice::ExeOther));
        const QString db = QDir(data).filePath(QLatin1String(LocalStore::kFileName));
        QVERIFY(QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                              QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QCOMPARE(octal(modeOf(data)), octal(0755));
        LocalStore store;
        QVERIFY(store.open(data).ok());
        QCOMPARE(octal(modeOf(data)), octal(0700));
        QCOMPARE(octal(modeOf(db)), octal(0600));
    }

    // A shared folder (sticky, as /tmp is) is not Hale's to close.
    void aSharedFolderIsLeftAsItIs()
    {
        QTemporaryDir dir;
        QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 01777) == 0);
        QVERIFY(owner_only::restrictFolder(dir.path()));
        QCOMPARE(octal(modeOf(dir.path())), octal(01777));
        QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 0700) == 0);
    }

    void aFileBeingWrittenIsOwnerOnlyFromTheStart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("backup.json"));
        QSaveFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(owner_only::restrictOpenFile(file));
        file.write("{}");
        QVERIFY(file.commit());
        QCOMPARE(octal(modeOf(path)), octal(0600));
    }
};

QTEST_GUILESS_MAIN(TestOwnerOnly)
#include "test_owner_only.moc"
