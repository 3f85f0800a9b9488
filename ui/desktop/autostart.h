#pragma once

#include <QString>

// Starting Hale when the person logs in, per user and off until asked: an
// XDG autostart entry on Linux, the Run key on Windows, a LaunchAgent on
// macOS. Hale then starts in the tray (--hidden).
namespace hale::autostart {

// The file or registry value the entry lives in.
QString location();
bool enabled();
// Writes or removes the entry; false with `error` when that failed.
bool setEnabled(bool on, QString *error);

} // namespace hale::autostart
