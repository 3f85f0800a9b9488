#pragma once

#include <QStringList>

class QCommandLineParser;

namespace hale::cli {

// The commands `hale` runs without a window, for scripts and tests (any
// positional argument selects this mode):
//   account signup|signin --server URL --email E   (password: HALE_PASSWORD or stdin)
//   account signout | account delete
//   sync                          one full cycle; the exit status says how it went
//   add KIND field=value ...      one new entry
//   list KIND [--json]            the entries of a kind
//   export FILE | import FILE     a JSON backup of everything
// Exit statuses of `sync` (and of the account commands).
enum Exit { Ok = 0, Failed = 1, Usage = 2, Offline = 3, SignInNeeded = 4 };

// Runs the command named by the parser's positional arguments on the data
// folder; needs a QCoreApplication (it spins the event loop for the network).
int run(const QCommandLineParser &parser, const QString &dataDir);

} // namespace hale::cli
