#include "sync/client/token_store.h"

#include <QCoreApplication>
#include <QThread>
#include <qt6keychain/keychain.h>

namespace hale::sync {

namespace {

// "refresh-token/<device id>"; an account "<device id>/<secret>" names
// another secret of the device (the end-to-end data key), "<secret>/<device id>".
QString keyFor(const QString &account)
{
    const qsizetype slash = account.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return QStringLiteral("refresh-token/") + account;
    return account.mid(slash + 1) + QLatin1Char('/') + account.left(slash);
}

// QtKeychain runs its jobs one after another through a process-wide executor
// that is not thread-safe, so every job of the process is created on one
// thread of its own; answers travel back to the caller's thread.
QObject *keychainContext()
{
    static QObject *context = [] {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("hale-keychain"));
        thread->start();
        auto *object = new QObject;
        object->moveToThread(thread);
        qAddPostRoutine([] {
            QThread *t = keychainContext()->thread();
            t->quit();
            t->wait();
        });
        return object;
    }();
    return context;
}

// Carries a job's answer from the keychain thread to the store's thread. The
// store receives it through a queued connection, which Qt drops safely if the
// store is destroyed first.
class KeychainRelay : public QObject
{
    Q_OBJECT

signals:
    void answered(const hale::sync::TokenStore::Result &result);
};

// Runs the job made by `makeJob` on the keychain thread and answers through
// `done` on `store`'s thread (unless `store` is gone by then). A missing entry
// is not an error: there is simply no token. The job has no parent and
// deletes itself when done: the Secret Service backend calls back into it
// even after its owner went away.
void run(std::function<QKeychain::Job *()> makeJob, TokenStore *store, const QString &account,
         TokenStore::Callback done)
{
    auto *relay = new KeychainRelay;
    QObject::connect(relay, &KeychainRelay::answered, store,
                     [done = std::move(done)](const TokenStore::Result &result) { done(result); });
    relay->moveToThread(keychainContext()->thread());
    QMetaObject::invokeMethod(keychainContext(), [makeJob = std::move(makeJob), relay, account] {
        QKeychain::Job *job = makeJob();
        job->setAutoDelete(true);
        job->setInsecureFallback(false); // never a plain-text file
        job->setKey(keyFor(account));
        QObject::connect(job, &QKeychain::Job::finished, relay, [relay](QKeychain::Job *finished) {
            TokenStore::Result result;
            switch (finished->error()) {
            case QKeychain::NoError:
                if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(finished))
                    result.token = read->textData();
                break;
            case QKeychain::EntryNotFound:
                break;
            default:
                result.error = TokenStore::tr("The system keychain is not available: %1")
                                   .arg(finished->errorString());
            }
            emit relay->answered(result);
            relay->deleteLater();
        });
        job->start();
    });
}

} // namespace

TokenStore::TokenStore(QObject *parent) : QObject(parent) {}

QString TokenStore::serviceName()
{
    return QStringLiteral("org.hale.Hale");
}

void TokenStore::read(const QString &account, Callback done)
{
    run([] { return new QKeychain::ReadPasswordJob(serviceName()); }, this, account,
        std::move(done));
}

void TokenStore::write(const QString &account, const QString &token, Callback done)
{
    run(
        [token] {
            auto *job = new QKeychain::WritePasswordJob(serviceName());
            job->setTextData(token);
            return job;
        },
        this, account, std::move(done));
}

void TokenStore::remove(const QString &account, Callback done)
{
    run([] { return new QKeychain::DeletePasswordJob(serviceName()); }, this, account,
        std::move(done));
}

} // namespace hale::sync

#include "token_store.moc"
