#pragma once

#include <QIcon>
#include <QPalette>

namespace hale {

// One of the app's icons (resources/icons/NAME.svg: strokes in black on
// transparent) drawn in the palette's text colour, and in its disabled text
// colour when disabled and its highlighted text colour when selected, so that
// one set reads on light and dark palettes.
QIcon paletteIcon(const QString &name, const QPalette &palette);

} // namespace hale
