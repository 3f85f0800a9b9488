// The `hale` executable: command line, the data folder, and the wiring of the
// store and the main window.
#include "app/command_line.h"
#include "models/demo_data.h"
#include "models/local_store.h"
#include "ui/database_problem_dialog.h"
#include "ui/desktop/reminder_service.h"
#include "ui/main_window.h"
#include "ui/settings_page.h"
#include "ui/sync_controller.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QIcon>
#include <QLocale>
#include <QStandardPaths>
#include <QTimer>
#include <QTranslator>
#include <cstdio>
#include <cstring>
#include <memory>

#if !defined(Q_OS_WIN)
#include <sys/stat.h>
#endif

namespace {

// Options whose value is the next argument, so that it is not taken for a
// command.
bool takesValue(const QByteArray &arg)
{
    static const QList<QByteArray> withValue{"--data-dir",   "--generate-demo-data",
                                             "--screenshot", "--screenshots",
                                             "--platform",   "-platform",
                                             "--server",     "--email",
                                             "--from",       "--to",
                                             "-style",       "-qwindowgeometry"};
    return withValue.contains(arg);
}

// The command line's command ("sync", "report", ...), or empty.
QByteArray commandOf(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        QByteArray arg(argv[i]);
        if (takesValue(arg))
            ++i;
        else if (!arg.startsWith('-'))
            return arg;
    }
    return {};
}

bool wantsWindow(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char *headless : {"--generate-demo-data", "--version", "-v", "--help", "-h"}) {
            if (std::strncmp(argv[i], headless, std::strlen(headless)) == 0)
                return false;
        }
    }
    return commandOf(argc, argv).isEmpty(); // a command (an unknown one is refused there)
}

// On Linux without X11 or Wayland, Qt would abort with a cryptic message.
bool displayAvailable(int argc, char **argv)
{
#if defined(Q_OS_LINUX)
    if (!qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return true;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0)
            return true;
    }
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
#else
    Q_UNUSED(argc);
    Q_UNUSED(argv);
    return true;
#endif
}

// Quits right after the window's first paint: how the start-up benchmark
// measures cold start to a painted window.
class FirstPaintProbe : public QObject
{
public:
    FirstPaintProbe(const QElapsedTimer &clock, QObject *parent) : QObject(parent), m_clock(clock)
    {
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_seen) {
            m_seen = true;
            QTimer::singleShot(0, qApp, [this] {
                std::printf("first paint after %lld ms\n",
                            static_cast<long long>(m_clock.elapsed()));
                std::fflush(stdout);
                QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    const QElapsedTimer &m_clock;
    bool m_seen = false;
};

int generateDemoData(hale::LocalStore &store, const QString &countText)
{
    bool ok = false;
    const int count = countText.toInt(&ok);
    if (!ok || count <= 0 || count > 10'000'000) {
        std::fprintf(stderr, "hale: --generate-demo-data needs a count between 1 and 10000000\n");
        return 2;
    }
    for (const hale::KindSpec &kind : hale::SchemaRegistry::instance().kinds()) {
        if (store.count(kind.name) > 0) {
            std::fprintf(stderr,
                         "hale: %s already holds entries; demo data goes only into a fresh "
                         "data folder (use --data-dir)\n",
                         qPrintable(store.databasePath()));
            return 1;
        }
    }
    QString error;
    QElapsedTimer timer;
    timer.start();
    if (!hale::generateDemoData(store, count, &error)) {
        std::fprintf(stderr, "hale: demo data failed: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("Generated %d records in %s (%lld ms)\n", count, qPrintable(store.databasePath()),
                static_cast<long long>(timer.elapsed()));
    return 0;
}

// Shows each screen in turn and saves it as <folder>/<page>.png, then quits
// (docs/screenshots). Each screen gets a moment to lay out its charts.
class ScreenTour : public QObject
{
public:
    ScreenTour(hale::MainWindow &window, QString folder)
        : QObject(&window), m_window(window), m_folder(std::move(folder))
    {
        QDir().mkpath(m_folder);
        QTimer::singleShot(500, this, &ScreenTour::show);
    }

private:
    void show()
    {
        if (m_page >= m_window.pageCount()) {
            QCoreApplication::exit(0);
            return;
        }
        m_window.showPage(m_page);
        QTimer::singleShot(700, this, &ScreenTour::save);
    }
    void save()
    {
        const QString file =
            QDir(m_folder).filePath(m_window.pageKey(m_page) + QStringLiteral(".png"));
        if (!m_window.grab().save(file)) {
            std::fprintf(stderr, "hale: cannot write %s\n", qPrintable(file));
            QCoreApplication::exit(1);
            return;
        }
        ++m_page;
        show();
    }

    hale::MainWindow &m_window;
    QString m_folder;
    int m_page = 0;
};

} // namespace

int main(int argc, char **argv)
{
    QElapsedTimer startup;
    startup.start();
#if !defined(Q_OS_WIN)
    // Whatever Hale writes (the database, exports, reports, its settings)
    // is the person's alone; models/owner_only sets the modes explicitly too.
    ::umask(077);
#endif
    const bool window = wantsWindow(argc, argv);
    if (window && !displayAvailable(argc, argv)) {
        std::fprintf(stderr,
                     "hale: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                     "Run it in a desktop session, or without a screen with\n"
                     "  hale --platform offscreen ...   or under Xvfb: xvfb-run hale\n");
        return 2;
    }
    if (window)
        hale::theme::askForSystemColorScheme();
    // `hale report` draws a PDF: fonts and painting need a GUI application,
    // which without a display works off screen.
    const bool drawing = commandOf(argc, argv) == "report";
    if (drawing && !displayAvailable(argc, argv))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> app = window ? std::make_unique<QApplication>(argc, argv)
                                            : drawing
                                                ? std::make_unique<QGuiApplication>(argc, argv)
                                                : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Hale"));
    QCoreApplication::setApplicationName(QStringLiteral("Hale"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALE_VERSION));
    // Matches the installed org.hale.Hale.desktop: Wayland compositors find
    // the icon and name through it.
    if (window)
        QGuiApplication::setDesktopFileName(QStringLiteral("org.hale.Hale"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Hale, a private health tracker."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataDirOption(QStringLiteral("data-dir"),
                                           QStringLiteral("Keep the database in <folder>."),
                                           QStringLiteral("folder"));
    const QCommandLineOption demoOption(
        QStringLiteral("generate-demo-data"),
        QStringLiteral("Fill a fresh data folder with <count> realistic records and exit."),
        QStringLiteral("count"));
    const QCommandLineOption firstPaintOption(
        QStringLiteral("exit-after-first-paint"),
        QStringLiteral("Print the time to the first painted window and exit (benchmarks)."));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a picture of the main window to <file> once it is shown, and exit."),
        QStringLiteral("file"));
    // QApplication takes --platform itself; without a window it is accepted
    // and has nothing to do (scripts pass it to be safe on a headless host).
    QCommandLineOption platformOption(
        QStringLiteral("platform"), QStringLiteral("Qt platform plugin."), QStringLiteral("name"));
    platformOption.setFlags(QCommandLineOption::HiddenFromHelp);
    const QCommandLineOption serverOption(QStringLiteral("server"),
                                          QStringLiteral("account: the sync server's address."),
                                          QStringLiteral("url"));
    const QCommandLineOption emailOption(QStringLiteral("email"),
                                         QStringLiteral("account: the account's email."),
                                         QStringLiteral("email"));
    const QCommandLineOption screenshotsOption(
        QStringLiteral("screenshots"),
        QStringLiteral("Save a picture of every screen to <folder> (today.png, ...), and exit."),
        QStringLiteral("folder"));
    const QCommandLineOption hiddenOption(
        QStringLiteral("hidden"),
        QStringLiteral("Start in the system tray without opening the window (start at login)."));
    const QCommandLineOption fromOption(QStringLiteral("from"),
                                        QStringLiteral("report: the first day (YYYY-MM-DD)."),
                                        QStringLiteral("date"));
    const QCommandLineOption toOption(QStringLiteral("to"),
                                      QStringLiteral("report: the last day (YYYY-MM-DD)."),
                                      QStringLiteral("date"));
    const QCommandLineOption journalOption(QStringLiteral("journal"),
                                           QStringLiteral("report: add the journal's notes."));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("list: print JSON instead of lines."));
    const QCommandLineOption endToEndOption(
        QStringLiteral("end-to-end"),
        QStringLiteral("account signup: encrypt the account's data end to end (passphrase from "
                       "HALE_PASSPHRASE or standard input)."));
    parser.addOptions({dataDirOption, demoOption, firstPaintOption, screenshotOption,
                       platformOption, serverOption, emailOption, jsonOption, hiddenOption,
                       screenshotsOption, fromOption, toOption, journalOption, endToEndOption});
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral(
            "Without a window: account signup|signin|signout|delete, account "
            "unlock|encrypt|passphrase|recovery-key, sync, add KIND field=value..., list KIND, "
            "export FILE, import FILE..., report --from DATE --to DATE FILE.pdf. The account "
            "password comes from HALE_PASSWORD, an end-to-end encrypted account's passphrase "
            "from HALE_PASSPHRASE (a new one from HALE_NEW_PASSPHRASE), or else each from a line "
            "of standard input."),
        QStringLiteral("[command ...]"));
    parser.process(*app);

    QString dataDir = parser.value(dataDirOption);
    if (dataDir.isEmpty() && window)
        dataDir = hale::SettingsPage::savedDataDir();
    if (dataDir.isEmpty())
        dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    dataDir = QDir(dataDir).absolutePath();

    if (!window && !parser.positionalArguments().isEmpty())
        return hale::cli::run(parser, dataDir);

    hale::LocalStore store;
    hale::LocalStore::OpenResult opened = store.open(dataDir);
    if (!window) {
        if (!opened.ok()) {
            std::fprintf(stderr, "hale: %s\n", qPrintable(opened.message));
            return 1;
        }
        return generateDemoData(store, parser.value(demoOption));
    }

    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/hale.svg")));
    hale::theme::followSystemColorScheme();
    // English is the source language, but its plural forms ("1 entry") come
    // from a translation file; the person's language, when shipped, overrides.
    auto *english = new QTranslator(app.get());
    if (english->load(QStringLiteral(":/i18n/hale_en.qm")))
        QCoreApplication::installTranslator(english);
    auto *local = new QTranslator(app.get());
    if (local->load(QLocale(), QStringLiteral("hale"), QStringLiteral("_"),
                    QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(local);
    if (!opened.ok()) {
        const auto resolved = hale::resolveDatabaseProblem(store, dataDir, opened);
        if (!resolved)
            return 1;
        dataDir = *resolved;
    }
    // Sync runs on its own thread with its own connection to the database;
    // it does nothing until the person signs in (Settings -> Sync).
    hale::SyncController sync(&store, dataDir);
    hale::MainWindow mainWindow(&store, dataDir, &sync);
    if (parser.isSet(firstPaintOption))
        mainWindow.installEventFilter(new FirstPaintProbe(startup, &mainWindow));
    // Started at login: only the tray icon, if there is a tray to sit in.
    if (!parser.isSet(hiddenOption) || !mainWindow.keepsRunningInTray())
        mainWindow.show();
    mainWindow.reminders()->start();
    if (parser.isSet(screenshotsOption))
        new ScreenTour(mainWindow, parser.value(screenshotsOption));
    else if (parser.isSet(screenshotOption)) {
        // Charts lay out after the first paint; give them a moment.
        QTimer::singleShot(1000, &mainWindow, [&] {
            const QString file = parser.value(screenshotOption);
            const bool saved = mainWindow.grab().save(file);
            if (!saved)
                std::fprintf(stderr, "hale: cannot write the screenshot to %s\n", qPrintable(file));
            QCoreApplication::exit(saved ? 0 : 1);
        });
    }
    const int status = app->exec();
    // The window is gone; what was typed just before quitting still goes
    // to the server, if it answers within a few seconds.
    constexpr int kQuitSyncDeadlineMs = 3000;
    sync.finishPending(kQuitSyncDeadlineMs);
    return status;
}
