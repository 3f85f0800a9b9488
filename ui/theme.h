#pragma once

#include <QColor>
#include <QPalette>

// Colours the app draws beyond the palette's own, chosen for the palette in
// use so that light and dark desktops both read well (WCAG contrast).
namespace hale::theme {

bool isDark(const QPalette &palette);
// The text colour of an error message on the palette's window.
QColor errorText(const QPalette &palette);
// WCAG 2 contrast ratio between two colours, from 1 (same) to 21.
double contrastRatio(const QColor &a, const QColor &b);

} // namespace hale::theme
