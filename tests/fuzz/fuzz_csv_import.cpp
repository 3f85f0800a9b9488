// Fuzz target: the CSV import of one kind (ImportExport::importCsv,
// models/import_export.h), what "Import CSV" runs, writing into a real
// LocalStore (SQLite) in a temporary folder.
//
// The input's first line names the kind (metric, meal, exercise, medication,
// dose, journal; anything else must be refused); the rest is the CSV file.
// Properties checked (abort on a violation; see fuzz_store.h):
//  - never a crash, whatever the bytes;
//  - a refused file comes with a reason and leaves the store exactly as it
//    was (all-or-nothing);
//  - after an accepted file, what the store holds survives JSON export ->
//    import into an empty store -> export, and CSV export -> import ->
//    export, unchanged.
//
// Corpus: tests/fuzz/corpus/csv_import/ (the seeded store's ids are in
// fuzz_store.h). Replayed by the test fuzz_replay_csv_import; fuzzed with
// tests/fuzz/run-fuzzers.sh.

#include "fuzz_store.h"

using namespace hale;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::FuzzStores &stores = fuzz::stores();
    const QByteArray input = fuzz::bytes(data, size);
    const qsizetype newline = input.indexOf('\n');
    const QString kind = QString::fromUtf8(newline < 0 ? input : input.first(newline)).trimmed();
    const QByteArray csv = newline < 0 ? QByteArray() : input.sliced(newline + 1);
    const ImportResult r = ImportExport::importCsv(stores.seeded->store(), kind, csv);
    if (!r.ok) {
        HALE_FUZZ_NOTE(QStringLiteral("refused: %1").arg(r.message()));
        fuzz::checkRefused(r);
        return 0;
    }
    HALE_FUZZ_NOTE(QStringLiteral("accepted: %1 %2 records").arg(r.imported).arg(kind));
    HALE_FUZZ_CHECK(SchemaRegistry::instance().kind(kind), kind);
    fuzz::checkAcceptedAndReset(r);
    return 0;
}
