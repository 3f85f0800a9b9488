#pragma once

// The local database's schema history. Each step's DDL is written out as it
// was when the step shipped and never changes afterwards, so a file of any
// age upgrades the same way whatever today's schema registry holds.

class QSqlDatabase;

namespace hale::store {

// The schema version the newest step leaves (PRAGMA user_version).
inline constexpr int kLatestSchemaVersion = 8;

// Runs the DDL of one step (1..kLatestSchemaVersion); the caller holds the
// transaction and bumps user_version. False if a statement failed.
bool runMigrationStep(QSqlDatabase &db, int step);

// Adds a column for every registry field an existing table lacks, so a field
// added to the registry appears without a migration step. Runs after the
// steps, on every open; a new kind still needs a step that creates its table.
bool addRegistryColumns(QSqlDatabase &db);

} // namespace hale::store
