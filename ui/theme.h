#pragma once

#include <QColor>
#include <QPalette>

// Colours the app draws beyond the palette's own, chosen for the palette in
// use so that light and dark desktops both read well (WCAG contrast).
namespace hale::theme {

bool isDark(const QPalette &palette);

// Windows: Qt 6.4 follows the system's dark mode only when asked
// (darkmode=2) and with a style that draws palettes (Fusion). Call the first
// before the QApplication exists, the second after. Elsewhere Qt already
// follows it (macOS natively, Linux through the desktop's platform theme).
void askForSystemColorScheme();
void followSystemColorScheme();
// The text colour of an error message on the palette's window.
QColor errorText(const QPalette &palette);
// WCAG 2 contrast ratio between two colours, from 1 (same) to 21.
double contrastRatio(const QColor &a, const QColor &b);

} // namespace hale::theme
