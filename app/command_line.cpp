#include "app/command_line.h"

#include "models/import_export.h"
#include "models/local_store.h"
#include "models/other_app_import.h"
#include "models/owner_only.h"
#include "models/preferences.h"
#include "sync/client/sync_worker.h"
#include "sync/core/record_id.h"
#include "ui/report/report_renderer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QTextStream>
#include <cstdio>
#if defined(Q_OS_UNIX)
#include <termios.h>
#include <unistd.h>
#endif

namespace hale::cli {

namespace {

void say(const QString &text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

// A message for the person on stderr, prefixed with the program's name.
void warn(const QString &text)
{
    std::fprintf(stderr, "hale: %s\n", qPrintable(text));
}

int fail(const QString &text, int status = Failed)
{
    warn(text);
    return status;
}

// Secrets for the account commands (password, passphrase): never an
// argument (other users can read the process list), but an environment
// variable or the next line of stdin; at a terminal, asked for without echo.
QString readSecret(const char *variable, const char *prompt)
{
    if (qEnvironmentVariableIsSet(variable))
        return qEnvironmentVariable(variable);
    // One reader for every line: a second one would miss what the first
    // buffered.
    static QTextStream in(stdin);
#if defined(Q_OS_UNIX)
    termios saved{};
    const bool terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
        std::fprintf(stderr, "%s: ", prompt);
        std::fflush(stderr);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
#else
    Q_UNUSED(prompt);
#endif
    QString secret = in.readLine();
#if defined(Q_OS_UNIX)
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fprintf(stderr, "\n");
    }
#endif
    return secret;
}

QString readPassword()
{
    return readSecret("HALE_PASSWORD", "Password");
}

bool atTerminal()
{
#if defined(Q_OS_UNIX)
    return isatty(STDIN_FILENO);
#else
    return false;
#endif
}

// A new passphrase, asked twice at a terminal (a typo would lock the person
// out of their own data); empty if the two differ.
QString readNewPassphrase(const char *variable)
{
    QString passphrase = readSecret(variable, "New passphrase");
    if (qEnvironmentVariableIsSet(variable) || !atTerminal())
        return passphrase;
    return readSecret(variable, "The passphrase again") == passphrase ? passphrase : QString();
}

// The recovery key, once, where the person can copy it.
void showRecoveryKey(const QString &text)
{
    say(QStringLiteral("recovery key: %1").arg(text));
    warn(QStringLiteral("Write the recovery key down and keep it apart from this computer: with "
                        "it, or the passphrase, a new device opens your data; without both, "
                        "nobody can, Hale included."));
}

QString csvQuoted(QString value)
{
    return QLatin1Char('"') + value.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
           QLatin1Char('"');
}

int addRecord(LocalStore &store, const QStringList &args)
{
    if (args.size() < 2)
        return fail(QStringLiteral("usage: hale add KIND field=value ..."), Usage);
    const QString &kind = args.at(0);
    const KindSpec *spec = SchemaRegistry::instance().kind(kind);
    if (!spec)
        return fail(QStringLiteral("unknown kind \"%1\"").arg(kind), Usage);
    // One CSV row through the CSV importer: the same parsing of numbers,
    // dates, sets and measurements, the same validation, one transaction.
    const QString id = sync::newRecordId(QDateTime::currentMSecsSinceEpoch());
    QStringList header{QStringLiteral("id")};
    QStringList row{id};
    for (const QString &pair : args.mid(1)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(QStringLiteral("\"%1\" is not field=value").arg(pair), Usage);
        header << pair.left(eq);
        row << csvQuoted(pair.mid(eq + 1));
    }
    // Left out, the entry's time is now, as the dialog fills it in.
    const FieldSpec *time = spec->field(spec->timeField);
    if (time && !header.contains(spec->timeField)) {
        header << spec->timeField;
        row << (time->type == FieldType::Date
                    ? QDate::currentDate().toString(Qt::ISODate)
                    : schema::formatDateTime(QDateTime::currentDateTimeUtc()));
    }
    const QByteArray csv = (header.join(QLatin1Char(',')) + QStringLiteral("\r\n") +
                            row.join(QLatin1Char(',')) + QStringLiteral("\r\n"))
                               .toUtf8();
    const ImportResult result = ImportExport::importCsv(store, kind, csv);
    if (!result.ok)
        return fail(result.reason);
    say(id);
    return Ok;
}

int listRecords(const LocalStore &store, const QStringList &args, bool json)
{
    if (args.size() != 1)
        return fail(QStringLiteral("usage: hale list KIND [--json]"), Usage);
    const KindSpec *kind = SchemaRegistry::instance().kind(args.first());
    if (!kind)
        return fail(QStringLiteral("unknown kind \"%1\"").arg(args.first()), Usage);
    QJsonArray out;
    for (const Record &record : store.records(kind->name)) {
        QJsonObject o{{QStringLiteral("id"), record.id}};
        for (const FieldSpec &field : kind->fields) {
            const QVariant value = record.value(field.name);
            if (!value.isNull())
                o.insert(field.name, schema::toJson(field, value));
        }
        if (json) {
            out.append(o);
            continue;
        }
        QStringList line;
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            const QJsonValue v = it.value();
            line << it.key() + QLatin1Char('=') +
                        (v.isString()
                             ? v.toString()
                             : QString::fromUtf8(
                                   QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                                   .mid(1)
                                   .chopped(1));
        }
        say(line.join(QLatin1Char('\t')));
    }
    if (json)
        say(QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Indented)).trimmed());
    return Ok;
}

int exportBackup(const LocalStore &store, const QStringList &args)
{
    if (args.size() != 1)
        return fail(QStringLiteral("usage: hale export FILE"), Usage);
    QSaveFile file(args.first());
    if (!file.open(QIODevice::WriteOnly) || !owner_only::restrictOpenFile(file) ||
        file.write(ImportExport::exportJson(store)) < 0 || !file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(args.first(), file.errorString()));
    return Ok;
}

// What an import from another app took and skipped.
int reportImport(const QString &from, const imports::Summary &summary)
{
    say(QStringLiteral("imported %1 entries from %2, %3 already there, %4 skipped")
            .arg(summary.added)
            .arg(from)
            .arg(summary.alreadyThere)
            .arg(summary.skippedCount()));
    for (auto it = summary.skipped.cbegin(); it != summary.skipped.cend(); ++it)
        say(QStringLiteral("  skipped %1: %2").arg(it.value()).arg(it.key()));
    return summary.ok() ? Ok : fail(summary.error);
}

int importBackup(LocalStore &store, const QStringList &args)
{
    if (args.isEmpty())
        return fail(QStringLiteral("usage: hale import FILE..."), Usage);
    // Several files: other apps' exports (Google Fit's days), added up.
    if (args.size() > 1) {
        const imports::FileImport others = imports::importOtherApps(store, args);
        if (others.source.isEmpty() && others.summary.error.isEmpty())
            return fail(QStringLiteral("none of these files is an export hale can read"));
        return reportImport(others.source, others.summary);
    }
    // Another app's export, if it is one (told by its content).
    if (const imports::FileImport other = imports::importOtherApp(store, args.first());
        !other.source.isEmpty())
        return reportImport(other.source, other.summary);
    QByteArray data;
    ImportResult result = ImportExport::readImportFile(args.first(), &data);
    if (result.reason.isEmpty())
        result = ImportExport::importJson(store, data);
    if (!result.ok)
        return fail(result.message());
    say(QStringLiteral("imported %1 entries").arg(result.imported));
    return Ok;
}

// A worker on this thread; remembers the outcome of the first cycle and
// account action from the start (one may end before anyone waits for it).
class WorkerSession
{
public:
    explicit WorkerSession(const QString &dataDir) : worker(dataDir, oneShot())
    {
        QObject::connect(&worker, &sync::SyncWorker::cycleFinished, &worker,
                         [this](bool ok, const QString &message) {
                             if (!m_cycle)
                                 m_cycle = {ok, message};
                         });
        QObject::connect(&worker, &sync::SyncWorker::accountActionFinished, &worker,
                         [this](const QString &, bool ok, const QString &message) {
                             if (!m_action)
                                 m_action = {ok, message};
                         });
    }

    // The first cycle's outcome, as the exit status. A server that asks to
    // be asked again later (429, 503 with Retry-After) is waited for, as the
    // app does, up to kMaxWaitSeconds in all.
    int awaitCycle()
    {
        int waited = 0;
        for (;;) {
            await(m_cycle);
            const sync::SyncStatus s = worker.status();
            const qint64 retryMs = worker.retryInMs();
            const int waitSeconds = int((retryMs + 999) / 1000);
            if (m_cycle->first || s.retryAfterSeconds <= 0 || retryMs < 0 ||
                waited + waitSeconds > kMaxWaitSeconds)
                return exitFor(m_cycle->first, m_cycle->second);
            warn(QStringLiteral("%1 Trying again in %2 s.").arg(m_cycle->second).arg(waitSeconds));
            waited += waitSeconds;
            m_cycle.reset(); // the worker's retry timer starts the next cycle
        }
    }

    std::pair<bool, QString> awaitAction()
    {
        await(m_action);
        return *m_action;
    }
    void resetAction() { m_action.reset(); }

    sync::SyncWorker worker;

private:
    using Outcome = std::optional<std::pair<bool, QString>>;
    static constexpr int kMaxWaitSeconds = 15 * 60;

    // A command syncs once and exits: no event stream to keep open.
    static sync::SyncWorker::Options oneShot()
    {
        sync::SyncWorker::Options options;
        options.liveUpdates = false;
        return options;
    }

    static void await(const Outcome &outcome)
    {
        while (!outcome)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }

    int exitFor(bool ok, const QString &message)
    {
        const sync::SyncStatus s = worker.status();
        if (ok) {
            say(QStringLiteral("synced: %1 sent, %2 received, %3 set aside")
                    .arg(s.pushed)
                    .arg(s.pulled)
                    .arg(s.rejected));
            return Ok;
        }
        fail(message.isEmpty() ? QStringLiteral("sync failed") : message);
        switch (s.state) {
        case sync::SyncState::Offline:
        case sync::SyncState::Unavailable:
            return Offline;
        case sync::SyncState::SignInNeeded:
            return SignInNeeded;
        default:
            return Failed;
        }
    }

    Outcome m_cycle;
    Outcome m_action;
};

// hale account unlock|encrypt|passphrase|recovery-key: the signed-in
// account's end-to-end encryption.
int endToEnd(WorkerSession &session, const QString &what)
{
    sync::SyncWorker &worker = session.worker;
    if (what == QLatin1String("unlock")) {
        worker.unlock(readSecret("HALE_PASSPHRASE", "Passphrase or recovery key"));
    } else if (what == QLatin1String("encrypt")) {
        const QString passphrase = readNewPassphrase("HALE_PASSPHRASE");
        if (passphrase.isEmpty())
            return fail(QStringLiteral("no passphrase, or the two did not match"), Usage);
        worker.switchOnEndToEnd(passphrase);
    } else if (what == QLatin1String("passphrase")) {
        const QString current = readSecret("HALE_PASSPHRASE", "Current passphrase");
        const QString next = readNewPassphrase("HALE_NEW_PASSPHRASE");
        if (next.isEmpty())
            return fail(QStringLiteral("no new passphrase, or the two did not match"), Usage);
        worker.changePassphrase(current, next);
    } else {
        worker.showRecoveryKey(readSecret("HALE_PASSPHRASE", "Passphrase"));
    }
    const auto [ok, message] = session.awaitAction();
    if (!ok)
        return fail(message);
    if (!message.isEmpty())
        say(message);
    if (what == QLatin1String("passphrase") || what == QLatin1String("recovery-key"))
        return Ok;
    return session.awaitCycle(); // the account's data goes up sealed, or comes down
}

int account(const QCommandLineParser &parser, const QString &dataDir, const QStringList &args)
{
    const QString what = args.value(0);
    WorkerSession session(dataDir);
    session.worker.start(false); // no cycle of its own: it would race the account call
    if (!session.worker.isReady())
        return fail(session.worker.status().message);
    QObject::connect(&session.worker, &sync::SyncWorker::recoveryKey, &session.worker,
                     &showRecoveryKey);
    if (what == QLatin1String("signup") || what == QLatin1String("signin")) {
        const QString server = parser.value(QStringLiteral("server"));
        const QString email = parser.value(QStringLiteral("email"));
        if (server.isEmpty() || email.isEmpty())
            return fail(QStringLiteral("usage: hale account %1 --server URL --email EMAIL "
                                       "[--end-to-end] (password from HALE_PASSWORD, passphrase "
                                       "from HALE_PASSPHRASE, or each from stdin)")
                            .arg(what),
                        Usage);
        const bool signUp = what == QLatin1String("signup");
        const QString password = readPassword();
        QString passphrase;
        if (signUp && parser.isSet(QStringLiteral("end-to-end"))) {
            passphrase = readNewPassphrase("HALE_PASSPHRASE");
            if (passphrase.isEmpty())
                return fail(QStringLiteral("--end-to-end needs a passphrase (the two typed did "
                                           "not match, or none was given)"),
                            Usage);
        } else if (!signUp && qEnvironmentVariableIsSet("HALE_PASSPHRASE")) {
            passphrase = qEnvironmentVariable("HALE_PASSPHRASE");
        }
        bool askedForPassphrase = false;
        QObject::connect(&session.worker, &sync::SyncWorker::passphraseRequired, &session.worker,
                         [&askedForPassphrase] { askedForPassphrase = true; });
        if (signUp)
            session.worker.signUp(server, email, password, passphrase);
        else
            session.worker.signIn(server, email, password, passphrase);
        auto [ok, message] = session.awaitAction();
        if (!ok && askedForPassphrase && passphrase.isEmpty()) {
            // An end-to-end encrypted account: its passphrase, then again.
            passphrase = readSecret("HALE_PASSPHRASE", "Passphrase or recovery key");
            if (!passphrase.isEmpty()) {
                session.resetAction();
                session.worker.signIn(server, email, password, passphrase);
                std::tie(ok, message) = session.awaitAction();
            }
        }
        if (!ok)
            return fail(message);
        say(QStringLiteral("signed in as %1%2")
                .arg(email, session.worker.status().endToEnd
                                ? QStringLiteral(" (end-to-end encrypted)")
                                : QString()));
        return session.awaitCycle(); // signing in switches sync on and syncs
    }
    if (what == QLatin1String("unlock") || what == QLatin1String("encrypt") ||
        what == QLatin1String("passphrase") || what == QLatin1String("recovery-key"))
        return endToEnd(session, what);
    if (what == QLatin1String("signout") || what == QLatin1String("delete")) {
        if (what == QLatin1String("signout"))
            session.worker.signOut();
        else
            session.worker.deleteAccount();
        const auto [ok, message] = session.awaitAction();
        if (!ok)
            return fail(message);
        say(what == QLatin1String("signout") ? QStringLiteral("signed out")
                                             : QStringLiteral("account deleted"));
        return Ok;
    }
    return fail(
        QStringLiteral("usage: hale account "
                       "signup|signin|signout|delete|unlock|encrypt|passphrase|recovery-key"),
        Usage);
}

int syncOnce(const QString &dataDir)
{
    WorkerSession session(dataDir);
    session.worker.start(); // starts a cycle when sync is on
    if (!session.worker.isReady())
        return fail(session.worker.status().message);
    if (!session.worker.isEnabled()) {
        const QString why = session.worker.status().message;
        return fail(why.isEmpty() ? QStringLiteral("sync is off: sign in first "
                                                   "(hale account signin ...)")
                                  : why,
                    SignInNeeded);
    }
    return session.awaitCycle();
}

// hale report --from DATE --to DATE [--journal] FILE.pdf
int writeReport(const LocalStore &store, const QCommandLineParser &parser, const QStringList &args)
{
    const QString usage =
        QStringLiteral("usage: hale report --from YYYY-MM-DD --to YYYY-MM-DD [--journal] FILE.pdf");
    const QDate from = QDate::fromString(parser.value(QStringLiteral("from")), Qt::ISODate);
    const QDate to = QDate::fromString(parser.value(QStringLiteral("to")), Qt::ISODate);
    if (args.size() != 1 || !from.isValid() || !to.isValid())
        return fail(usage, Usage);
    if (to < from)
        return fail(QStringLiteral("--to (%1) is before --from (%2)")
                        .arg(to.toString(Qt::ISODate), from.toString(Qt::ISODate)),
                    Usage);
    if (from.daysTo(to) > 3660)
        return fail(QStringLiteral("a report covers at most ten years"), Usage);
    const report::Data data =
        report::gather(store, {from, to, parser.isSet(QStringLiteral("journal"))});
    QString error;
    if (!report::writePdf(data, args.first(),
                          preferences::unitsOr(preferences::load(store), UnitSystem::Metric),
                          &error))
        return fail(error);
    say(QStringLiteral("report written to %1").arg(args.first()));
    return Ok;
}

} // namespace

int run(const QCommandLineParser &parser, const QString &dataDir)
{
    // Scripts read stdout and stderr: keep routine progress out of them.
    QLoggingCategory::setFilterRules(QStringLiteral("hale.*.info=false"));
    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    const QStringList args = positional.mid(1);
    if (command == QLatin1String("account"))
        return account(parser, dataDir, args);
    if (command == QLatin1String("sync"))
        return syncOnce(dataDir);

    LocalStore store;
    const LocalStore::OpenResult opened = store.open(dataDir);
    if (!opened.ok())
        return fail(opened.message);
    if (command == QLatin1String("add"))
        return addRecord(store, args);
    if (command == QLatin1String("list"))
        return listRecords(store, args, parser.isSet(QStringLiteral("json")));
    if (command == QLatin1String("export"))
        return exportBackup(store, args);
    if (command == QLatin1String("import"))
        return importBackup(store, args);
    if (command == QLatin1String("report"))
        return writeReport(store, parser, args);
    return fail(QStringLiteral("unknown command \"%1\"").arg(command), Usage);
}

} // namespace hale::cli
