// Issue 17: Hale follows the system's light or dark palette, and every text
// it shows stays readable: WCAG 2 AA contrast (4.5:1 for text) between each
// visible text and what it is drawn on, on every screen, the charts and an
// editor's error messages, in a light and a dark palette.
#include "gui_helpers.h"
#include "ui/charts/trend_charts.h"
#include "ui/main_window.h"
#include "ui/record_editor_dialog.h"
#include "ui/theme.h"

#include <QAbstractItemView>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QGroupBox>
#include <QLabel>
#include <QRadioButton>
#include <QStyle>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QValueAxis>

using namespace hale;

namespace {

constexpr double kTextContrast = 4.5;

// A dark palette as GNOME's Adwaita dark gives Qt.
QPalette darkPalette()
{
    QPalette p;
    const QColor window(53, 53, 53), base(45, 45, 45), text(238, 238, 236);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, QColor(53, 132, 228));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(160, 160, 160));
    p.setColor(QPalette::Link, QColor(140, 180, 250));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(145, 145, 145));
    return p;
}

// What a widget's text is drawn on: the nearest widget that paints its own
// background.
QColor backgroundBehind(const QWidget *w)
{
    for (const QWidget *p = w; p; p = p->parentWidget()) {
        if (p->autoFillBackground() || p->isWindow())
            return p->palette().color(p->backgroundRole());
        if (auto *view = qobject_cast<const QAbstractItemView *>(p); view && view != w)
            return view->palette().color(QPalette::Base);
    }
    return w->palette().color(QPalette::Window);
}

// Every visible, enabled text under `root` below 4.5:1, described.
QStringList lowContrastTexts(QWidget *root)
{
    QStringList low;
    auto check = [&](const QWidget *w, const QString &what, const QColor &fg, const QColor &bg) {
        const double ratio = theme::contrastRatio(fg, bg);
        if (ratio < kTextContrast)
            low << QStringLiteral("%1 \"%2\": %3 on %4 is %5:1")
                       .arg(QString::fromLatin1(w->metaObject()->className()), what.left(40),
                            fg.name(), bg.name())
                       .arg(ratio, 0, 'f', 2);
    };
    for (QWidget *w : root->findChildren<QWidget *>()) {
        if (!w->isVisible() || !w->isEnabled())
            continue;
        if (auto *label = qobject_cast<QLabel *>(w); label && !label->text().isEmpty()) {
            check(w, label->text(), label->palette().color(label->foregroundRole()),
                  backgroundBehind(label));
        } else if (qobject_cast<QCheckBox *>(w) || qobject_cast<QRadioButton *>(w)) {
            auto *button = static_cast<QAbstractButton *>(w);
            check(w, button->text(), button->palette().color(QPalette::WindowText),
                  backgroundBehind(button));
        } else if (auto *button = qobject_cast<QAbstractButton *>(w);
                   button && !button->text().isEmpty()) {
            check(w, button->text(), button->palette().color(QPalette::ButtonText),
                  button->palette().color(QPalette::Button));
        } else if (auto *box = qobject_cast<QGroupBox *>(w)) {
            check(w, box->title(), box->palette().color(QPalette::WindowText),
                  backgroundBehind(box));
        } else if (auto *view = qobject_cast<QAbstractItemView *>(w)) {
            check(w, view->accessibleName(), view->palette().color(QPalette::Text),
                  view->palette().color(QPalette::Base));
        } else if (auto *chartView = qobject_cast<QChartView *>(w)) {
            QChart *chart = chartView->chart();
            const QBrush brush = chart->backgroundBrush();
            const QColor bg =
                brush.gradient() ? brush.gradient()->stops().constFirst().second : brush.color();
            // Drawn for the palette in use, not the one the chart began with.
            if (theme::isDark(chartView->palette()) != (bg.lightness() < 128))
                low << QStringLiteral("%1 keeps a %2 background in a %3 palette")
                           .arg(chartView->accessibleName(), bg.name(),
                                theme::isDark(chartView->palette()) ? QStringLiteral("dark")
                                                                    : QStringLiteral("light"));
            for (QAbstractAxis *axis : chart->axes()) {
                if (axis->isVisible())
                    check(w, chartView->accessibleName() + QStringLiteral(" axis"),
                          axis->labelsBrush().color(), bg);
            }
            if (!chart->title().isEmpty())
                check(w, chart->title(), chart->titleBrush().color(), bg);
        }
    }
    return low;
}

} // namespace

class TestPalettes : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    LocalStore m_store;

private slots:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QVERIFY(m_store.open(m_dir.path()).ok());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (int day = 0; day < 10; ++day) {
            QVERIFY(m_store
                        .create(QStringLiteral("metric"),
                                {{QStringLiteral("recorded_at"), now.addDays(-day)},
                                 {QStringLiteral("weight"), 70.0 + day * 0.1}})
                        .ok());
            QVERIFY(m_store
                        .create(QStringLiteral("meal"),
                                {{QStringLiteral("eaten_at"), now.addDays(-day)},
                                 {QStringLiteral("meal_type"), QStringLiteral("lunch")},
                                 {QStringLiteral("description"), QStringLiteral("Soup")},
                                 {QStringLiteral("calories"), 400 + day}})
                        .ok());
        }
    }

    void everyScreenIsReadable_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }
    void everyScreenIsReadable()
    {
        QFETCH(bool, dark);
        QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
        MainWindow window(&m_store, m_dir.path());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (int page = 0; page < window.pageCount(); ++page) {
            window.showPage(page);
            QTest::qWait(50);
            const QStringList low = lowContrastTexts(&window);
            QVERIFY2(low.isEmpty(), qPrintable(QStringLiteral("page %1: ").arg(page) +
                                               low.join(QStringLiteral("; "))));
        }
        // The charts follow a palette that changes while they are shown.
        window.showPage(1);
        QApplication::setPalette(dark ? QApplication::style()->standardPalette() : darkPalette());
        QTest::qWait(50);
        const QStringList low = lowContrastTexts(&window);
        QVERIFY2(low.isEmpty(), qPrintable(low.join(QStringLiteral("; "))));
    }

    void errorMessagesAreReadable_data() { everyScreenIsReadable_data(); }
    void errorMessagesAreReadable()
    {
        QFETCH(bool, dark);
        QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
        RecordEditorDialog dialog(&m_store,
                                  *SchemaRegistry::instance().kind(QStringLiteral("meal")),
                                  UnitSystem::Metric, {});
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.accept(); // nothing typed: "Description is required"
        QVERIFY(!dialog.fieldsWithErrors().isEmpty());
        const QStringList low = lowContrastTexts(&dialog);
        QVERIFY2(low.isEmpty(), qPrintable(low.join(QStringLiteral("; "))));
    }
};

QTEST_MAIN(TestPalettes)
#include "test_palettes.moc"
