#pragma once

#include <QString>

class QFileDevice;

// A person's health data on their own computer is for them alone: the data
// folder is owner-only (0700) and the database, its journal files, backups,
// exports and reports are 0600, whatever the umask. On Windows the per-user
// profile's ACL keeps others out already, and these do nothing.
namespace hale::owner_only {

// Makes a folder 0700. A folder that is not the person's own to close (not
// owned by them, sticky like /tmp, or their home) is left as it is. False if
// the mode could not be set.
bool restrictFolder(const QString &path);

// Makes an existing file 0600 (true if it does not exist).
bool restrictFile(const QString &path);

// Makes a file being written 0600 before anything is written to it (a
// QSaveFile's temporary file, so the finished file never had another mode).
bool restrictOpenFile(QFileDevice &file);

} // namespace hale::owner_only
