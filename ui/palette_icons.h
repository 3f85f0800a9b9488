#pragma once

#include <QIcon>
#include <QPalette>

class QAbstractButton;
class QAction;
class QWidget;

namespace hale {

// One of the app's icons (resources/icons/NAME.svg: strokes in black on
// transparent) drawn in the palette's text colour, and in its disabled text
// colour when disabled and its highlighted text colour when selected, so that
// one set reads on light and dark palettes.
// `role` is the colour of the text the icon stands beside (ButtonText on
// buttons).
QIcon paletteIcon(const QString &name, const QPalette &palette,
                  QPalette::ColorRole role = QPalette::WindowText);

// Gives a button, or a menu's action, the icon NAME in its palette's
// colours, redrawn whenever the widget's palette changes (light to dark).
void setPaletteIcon(QAbstractButton *button, const QString &name);
void setPaletteIcon(QAction *action, const QString &name, QWidget *shownIn);

} // namespace hale
