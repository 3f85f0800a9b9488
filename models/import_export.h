#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>
#include <functional>

namespace hale {

class LocalStore;

// What an import did. On failure nothing was written.
struct ImportResult
{
    bool ok = false;
    int imported = 0; // records created or updated; 0 unless ok
    int line = 0;     // 1-based line of the offending input; 0 when no line applies
    QString reason;   // translated, names the field at fault; empty when ok

    // The reason prefixed with its line, for a message box.
    QString message() const;
};

// Backups of everything as one JSON document, and one CSV file per kind, with
// values in the SI units they are stored in. Imports keep record ids and are
// all-or-nothing, so export -> import into an empty store -> export gives the
// same bytes (apart from "exported_at").
//
// A class only to give the messages their "ImportExport" translation context.
class ImportExport
{
    Q_DECLARE_TR_FUNCTIONS(ImportExport)

public:
    static constexpr qint64 kMaxImportBytes = qint64(256) * 1024 * 1024;
    static constexpr int kFormatVersion = 1;
    static QString formatName() { return QStringLiteral("hale-backup"); }
    // Called every few hundred records while an import writes, inside its
    // transaction; returning false cancels the import (nothing is written).
    using Progress = std::function<bool(int done, int total)>;

    // {"format": "hale-backup", "version": 1, "exported_at": ISO time,
    //  "kinds": {"metric": [{"id": ..., "<field>": <schema::toJson>}, ...], ...}}
    // Every registry kind is present; tombstones and null fields are left out.
    static QByteArray exportJson(const LocalStore &store);
    // Creates records whose id is new and overwrites existing ones (restoring
    // deleted ones); fields absent from the file become null. Records of the
    // store that the file does not mention are left alone.
    static ImportResult importJson(LocalStore &store, const QByteArray &data,
                                   const Progress &progress = {});

    // RFC 4180, CRLF line ends, UTF-8 without a byte order mark. The header is
    // "id" and then the kind's fields in registry order. Sets are joined with
    // ';' and measurements written as "name=value;name=value"; a '\', ';' or
    // '=' inside an element is escaped with '\'. Empty for an unknown kind.
    static QByteArray exportCsv(const LocalStore &store, const QString &kind);
    // The same semantics as importJson. The header may name any subset of the
    // columns in any order; a row with an empty id gets a new one.
    static ImportResult importCsv(LocalStore &store, const QString &kind, const QByteArray &data,
                                  const Progress &progress = {});

    // The rows of an RFC 4180 CSV file in UTF-8 (other apps' exports), or why
    // they cannot be read.
    static ImportResult parseCsv(const QByteArray &data, QList<QStringList> *rows);

    // Reads a file to import, refusing one over kMaxImportBytes before reading it.
    static ImportResult readImportFile(const QString &path, QByteArray *data);
};

} // namespace hale
