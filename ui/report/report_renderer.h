#pragma once

#include "models/health_report.h"
#include "models/units.h"

#include <QRectF>
#include <functional>

class QPainter;
class QPagedPaintDevice;

// The report for the doctor, drawn page by page: charts, averages,
// medication adherence with the missed doses, glucose and the journal's notes
// if asked. Black and greys only, with solid and dashed lines told apart by
// their pattern and a legend, so that it reads printed in black and white.
namespace hale::report {

// Draws on `painter`, whose units are points (1/72 inch), within `page`;
// `newPage` is called before each page after the first. Returns the pages.
int paint(const Data &data, QPainter &painter, const QRectF &page,
          const std::function<void()> &newPage, UnitSystem units);

// On a PDF writer or a printer: A4 or the printer's paper, 15 mm margins.
int paint(const Data &data, QPagedPaintDevice &device, UnitSystem units);

// Writes `data` as a PDF file; false with a reason when it could not.
bool writePdf(const Data &data, const QString &path, UnitSystem units, QString *error);

} // namespace hale::report
