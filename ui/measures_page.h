#pragma once

#include "ui/record_list_page.h"

class QLabel;
class QTabWidget;

namespace hale {

class TrendCharts;

// The measures a person defined for themselves (a name, a unit, a range:
// data that syncs, not a release) and the values logged for them: the values
// in the table, a chart per measure and the list of measures below it.
class MeasuresPage : public RecordListPage
{
    Q_OBJECT

public:
    MeasuresPage(LocalStore *store, QUndoStack *undo, QWidget *parent = nullptr);

    RecordListPage *definitions() const { return m_definitions; }
    TrendCharts *charts() const { return m_charts; }

private:
    // A chart for each measure, by name.
    void updateCharts();
    // The measure a new value is most likely for: the selected value's, or
    // the chart's on screen. Empty without measures.
    QString likelyMeasure() const;

    LocalStore *m_store;
    RecordListPage *m_definitions;
    TrendCharts *m_charts;
    QTabWidget *m_tabs;
    QLabel *m_hint;
};

} // namespace hale
