#pragma once

#include "models/medication_schedule.h"

class QUndoStack;

namespace hale {

// Logs a scheduled dose as "taken" or "skipped" and puts the write on the
// undo stack: the one write path of the Take/Skip buttons and of a
// reminder's actions, so both sync and undo alike.
WriteResult logDoseUndoably(LocalStore *store, QUndoStack *undo,
                            const medication::ScheduledDose &dose, const QString &status);

} // namespace hale
