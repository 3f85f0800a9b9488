// Fuzz target: the JSON backup import (ImportExport::importJson,
// models/import_export.h), what "Import backup" and `hale import FILE` run,
// writing into a real LocalStore (SQLite) in a temporary folder.
//
// The input is the whole backup file. Properties checked (abort on a
// violation; see fuzz_store.h):
//  - never a crash, whatever the bytes;
//  - a refused file comes with a reason and leaves the store exactly as it
//    was (all-or-nothing);
//  - an accepted file reports one imported record per record it holds, and
//    each record then reads back from the store with the file's values (as
//    the schema coerces them: trimmed text, sorted sets, UTC times), every
//    field the file leaves out being empty;
//  - what the store then holds survives export -> import into an empty store
//    -> export, and CSV export -> import -> export, unchanged.
//
// Corpus: tests/fuzz/corpus/json_import/ (the seeded store's ids are in
// fuzz_store.h). Replayed by the test fuzz_replay_json_import; fuzzed with
// tests/fuzz/run-fuzzers.sh.

#include "fuzz_store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

using namespace hale;

namespace {

QJsonObject kindsOf(const QByteArray &data)
{
    const qsizetype bom = data.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    return QJsonDocument::fromJson(data.sliced(bom))
        .object()
        .value(QStringLiteral("kinds"))
        .toObject();
}

// How many records an accepted file holds: every registry kind's list.
int recordsIn(const QJsonObject &kinds)
{
    int count = 0;
    for (const KindSpec &kind : SchemaRegistry::instance().kinds())
        count += int(kinds.value(kind.name).toArray().size());
    return count;
}

// Text that UTF-8 cannot carry: an unpaired UTF-16 surrogate (a JSON escape
// such as "\ud800"). The store cannot keep it (found by fuzzing, I1), so the
// import refuses a file that holds one.
bool hasUnpairedSurrogate(const QJsonValue &value)
{
    if (value.isString())
        return QString::fromUtf8(value.toString().toUtf8()) != value.toString();
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray()) {
            if (hasUnpairedSurrogate(item))
                return true;
        }
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (hasUnpairedSurrogate(it.key()) || hasUnpairedSurrogate(it.value()))
                return true;
        }
    }
    return false;
}

// Every record of an accepted file, read back from the store, holds the
// file's values (compared in their JSON form, which is what a backup holds).
void checkStoredAsInFile(const QJsonObject &kinds, const LocalStore &store)
{
    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        for (const QJsonValue &item : kinds.value(kind.name).toArray()) {
            const QJsonObject json = item.toObject();
            const QString id =
                QUuid::fromString(json.value(QStringLiteral("id")).toString().trimmed())
                    .toString(QUuid::WithoutBraces);
            const auto record = store.record(kind.name, id);
            HALE_FUZZ_CHECK(
                record, QStringLiteral("imported %1 %2 is not in the store").arg(kind.name, id));
            HALE_FUZZ_CHECK(!record->deleted,
                            QStringLiteral("imported %1 %2 is deleted").arg(kind.name, id));
            for (const FieldSpec &field : kind.fields) {
                const QJsonValue given = json.value(field.name);
                HALE_FUZZ_CHECK(!hasUnpairedSurrogate(given),
                                QStringLiteral("imported text that is not valid Unicode"));
                const QJsonValue expected =
                    schema::toJson(field, schema::fromJson(field, given).value);
                const QJsonValue stored = schema::toJson(field, record->value(field.name));
                HALE_FUZZ_CHECK(
                    stored == expected,
                    QStringLiteral("imported %1 %2: %3 is stored as %4, the file says %5")
                        .arg(kind.name, id, field.name,
                             QString::fromUtf8(QJsonDocument(QJsonArray{stored}).toJson()),
                             QString::fromUtf8(QJsonDocument(QJsonArray{expected}).toJson())));
            }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::FuzzStores &stores = fuzz::stores();
    const QByteArray file = fuzz::bytes(data, size);
    const ImportResult r = ImportExport::importJson(stores.seeded->store(), file);
    if (!r.ok) {
        HALE_FUZZ_NOTE(QStringLiteral("refused: %1").arg(r.message()));
        fuzz::checkRefused(r);
        return 0;
    }
    HALE_FUZZ_NOTE(QStringLiteral("accepted: %1 records").arg(r.imported));
    const QJsonObject kinds = kindsOf(file);
    HALE_FUZZ_CHECK(
        r.imported == recordsIn(kinds),
        QStringLiteral("imported %1 of %2 records").arg(r.imported).arg(recordsIn(kinds)));
    checkStoredAsInFile(kinds, stores.seeded->store());
    fuzz::checkAcceptedAndReset(r);
    return 0;
}
