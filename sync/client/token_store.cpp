#include "sync/client/token_store.h"

#include <qt6keychain/keychain.h>

namespace hale::sync {

namespace {

QString keyFor(const QString &account)
{
    return QStringLiteral("refresh-token/") + account;
}

// Starts `job`, answering through `done` once it finishes (unless `store` is
// gone by then). A missing entry is not an error: there is simply no token.
// The job has no parent and deletes itself when done: the Secret Service
// backend calls back into it even after its owner went away, so it must
// outlive a store destroyed mid-call.
void run(QKeychain::Job *job, TokenStore *store, const QString &account, TokenStore::Callback done)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(keyFor(account));
    QObject::connect(
        job, &QKeychain::Job::finished, store, [done = std::move(done)](QKeychain::Job *finished) {
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
            done(result);
        });
    job->start();
}

} // namespace

TokenStore::TokenStore(QObject *parent) : QObject(parent) {}

QString TokenStore::serviceName()
{
    return QStringLiteral("org.hale.Hale");
}

void TokenStore::read(const QString &account, Callback done)
{
    run(new QKeychain::ReadPasswordJob(serviceName()), this, account, std::move(done));
}

void TokenStore::write(const QString &account, const QString &token, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(serviceName());
    job->setTextData(token);
    run(job, this, account, std::move(done));
}

void TokenStore::remove(const QString &account, Callback done)
{
    run(new QKeychain::DeletePasswordJob(serviceName()), this, account, std::move(done));
}

} // namespace hale::sync
