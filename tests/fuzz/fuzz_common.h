// Shared by the fuzz targets of tests/fuzz (see docs/reliability.md, "Fuzzing").
//
// HALE_FUZZ_CHECK aborts with a message when a property does not hold, so that
// libFuzzer (and the replay tests) report it like any other crash. Qt's own
// warnings are dropped unless HALE_FUZZ_VERBOSE is set: a fuzzer feeds
// millions of bad inputs and each may log something.
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace hale::fuzz {

[[noreturn]] inline void violated(const char *file, int line, const char *what,
                                  const QString &detail)
{
    std::fprintf(stderr, "%s:%d: property violated: %s\n", file, line, what);
    if (!detail.isEmpty())
        std::fprintf(stderr, "  %s\n", detail.toLocal8Bit().constData());
    std::fflush(stderr);
    std::abort();
}

#define HALE_FUZZ_CHECK(condition, detail)                                                         \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::hale::fuzz::violated(__FILE__, __LINE__, #condition, (detail));                      \
    } while (false)

// Checks of known findings that are not fixed yet (listed in
// docs/reliability.md, "Fuzzing") stay off unless HALE_FUZZ_STRICT is set, so
// that a fuzzer run looks past them; their reproducers under
// tests/fuzz/crashes/ abort with HALE_FUZZ_STRICT=1. Once one is fixed, drop
// its exemption.
inline bool strict()
{
    static const bool on = qEnvironmentVariableIsSet("HALE_FUZZ_STRICT");
    return on;
}

inline bool verbose()
{
    static const bool on = qEnvironmentVariableIsSet("HALE_FUZZ_VERBOSE");
    return on;
}

// With HALE_FUZZ_VERBOSE set, says what became of an input (to check that a
// corpus file does what its name says); costs nothing otherwise.
#define HALE_FUZZ_NOTE(outcome)                                                                    \
    do {                                                                                           \
        if (::hale::fuzz::verbose())                                                               \
            std::fprintf(stderr, "  -> %s\n", QString(outcome).toLocal8Bit().constData());         \
    } while (false)

inline void quietMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtFatalMsg) {
        std::fprintf(stderr, "qFatal: %s\n", message.toLocal8Bit().constData());
        std::abort();
    }
}

// A QCoreApplication for the whole process (the SQL plugins and translations
// want one), created on first use and never destroyed.
inline void ensureApplication()
{
    if (QCoreApplication::instance())
        return;
    if (!verbose())
        qInstallMessageHandler(quietMessages);
    static int argc = 1;
    static char name[] = "hale-fuzz";
    static char *argv[] = {name, nullptr};
    new QCoreApplication(argc, argv); // NOLINT: lives as long as the process
}

// The input as a QByteArray of its own (copied, so that Qt sees an ordinary,
// terminated buffer, as the server and the importers do).
inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

} // namespace hale::fuzz
