#include "ui/measures_page.h"

#include "models/own_measures.h"
#include "ui/charts/trend_charts.h"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

namespace hale {

MeasuresPage::MeasuresPage(LocalStore *store, QUndoStack *undo, QWidget *parent)
    : RecordListPage(store, own_measures::kValueKind, undo, parent), m_store(store),
      m_definitions(new RecordListPage(store, own_measures::kMeasureKind, undo)),
      m_charts(new TrendCharts(store, {})), m_tabs(new QTabWidget)
{
    m_tabs->setAccessibleName(tr("Measures"));
    m_definitions->dropAltLetters();
    m_tabs->addTab(m_charts, tr("Charts"));
    m_tabs->addTab(m_definitions, tr("Your measures"));

    m_hint = new QLabel(tr("Track anything Hale has no screen for (waist, peak flow, a pain "
                           "score): define it under Your measures with a name, a unit and the "
                           "range its values fall in, then log values here. Your measures "
                           "sync to your other devices like your entries."));
    m_hint->setWordWrap(true);
    auto *detail = new QWidget;
    auto *layout = new QVBoxLayout(detail);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_hint);
    layout->addWidget(m_tabs, 1);
    setDetailWidget(detail);

    connect(this, &RecordListPage::rangeChanged, m_charts, &TrendCharts::setRange);
    connect(store, &LocalStore::recordsChanged, this, [this](const QString &kind) {
        if (kind == own_measures::kMeasureKind)
            updateCharts();
    });
    updateCharts();

    // With no measure yet, a new value starts with defining one.
    setNewEntryStart([this]() -> std::optional<QVariantMap> {
        if (m_store->count(own_measures::kMeasureKind) == 0) {
            m_tabs->setCurrentWidget(m_definitions);
            if (m_definitions->newEntry().isEmpty())
                return std::nullopt;
        }
        return QVariantMap{{own_measures::kMeasureField, likelyMeasure()}};
    });
}

void MeasuresPage::updateCharts()
{
    QList<TrendChartSpec> specs;
    for (const Record &measure : own_measures::byName(*m_store)) {
        TrendChartSpec spec;
        spec.kind = own_measures::kValueKind;
        spec.series = {{QStringLiteral("value"), "", trends::Aggregate::Average, true, false}};
        spec.ownTitle = measure.value(QStringLiteral("name")).toString();
        spec.ownUnit = measure.value(QStringLiteral("unit")).toString();
        spec.only = {own_measures::kMeasureField, measure.id};
        specs.append(spec);
    }
    m_hint->setVisible(specs.isEmpty());
    if (specs.isEmpty())
        m_tabs->setCurrentWidget(m_definitions);
    m_charts->setSpecs(specs);
}

QString MeasuresPage::likelyMeasure() const
{
    if (const auto selected = m_store->record(own_measures::kValueKind, selectedId()))
        return selected->value(own_measures::kMeasureField).toString();
    const QList<Record> measures = own_measures::byName(*m_store);
    const int shown = m_charts->currentIndex();
    if (shown >= 0 && shown < measures.size())
        return measures.at(shown).id;
    return measures.isEmpty() ? QString() : measures.first().id;
}

} // namespace hale
