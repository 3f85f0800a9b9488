#include "gui_helpers.h"
#include "models/goals.h"
#include "models/local_store.h"
#include "models/medication_schedule.h"
#include "models/preferences.h"
#include "ui/charts/trend_charts.h"
#include "ui/main_window.h"
#include "ui/measures_page.h"
#include "ui/record_editor_dialog.h"
#include "ui/record_list_page.h"

#include <QAccessible>
#include <QBarSet>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QDateTimeEdit>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QScatterSeries>
#include <QSet>
#include <QSettings>
#include <QSqlQuery>
#include <QStackedBarSeries>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QValueAxis>

using namespace hale;
using hale::test::byAccessibleName;
using hale::test::onNextDialog;

class TestRecordScreens : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;
    std::unique_ptr<MainWindow> m_window;

    RecordListPage *showMeals()
    {
        m_window->showPage(2);
        return m_window->listPage(QStringLiteral("meal"));
    }

    int pageIndex(const QString &key) const
    {
        for (int i = 0; i < m_window->pageCount(); ++i) {
            if (m_window->pageKey(i) == key)
                return i;
        }
        return -1;
    }

private slots:
    void init()
    {
        m_store = std::make_unique<LocalStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("data"))).ok());
        m_window = std::make_unique<MainWindow>(m_store.get(), m_dir.path());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }
    void cleanup()
    {
        m_window.reset();
        m_store.reset();
        QDir(m_dir.filePath(QStringLiteral("data"))).removeRecursively();
    }

    // Issue 17: in "Doses due today", a taken dose's row drew "Taken" over
    // another label. Every row's pieces must sit side by side, at the
    // window's default size and at its smallest.
    void aTakenDosesRowHasNoOverlappingParts()
    {
        QVERIFY(m_store
                    ->create(QStringLiteral("medication"),
                             {{QStringLiteral("name"), QStringLiteral("Metformin hydrochloride")},
                              {QStringLiteral("dose"), 1000},
                              {QStringLiteral("unit"), QStringLiteral("mg")},
                              {QStringLiteral("schedule"),
                               QStringList{QStringLiteral("08:00"), QStringLiteral("20:00")}},
                              {QStringLiteral("start_date"), QDate::currentDate().addDays(-3)}})
                    .ok());
        m_window->showPage(0);
        auto *take = qobject_cast<QPushButton *>(test::byAccessibleName<QAbstractButton>(
            m_window.get(), QStringLiteral("Take Metformin hydrochloride at 08:00")));
        QVERIFY(take);
        take->click();
        QTest::qWait(400); // the Today page refreshes 200 ms after a write
        for (const QSize size : {QSize(1200, 780), m_window->minimumSizeHint()}) {
            m_window->resize(size);
            QTest::qWait(50);
            auto *panel =
                test::byAccessibleName<QWidget>(m_window.get(), QStringLiteral("Doses due today"));
            QVERIFY(panel);
            for (QWidget *row : panel->findChildren<QWidget *>(Qt::FindDirectChildrenOnly)) {
                if (!row->isVisible())
                    continue;
                const QList<QWidget *> parts =
                    row->findChildren<QWidget *>(Qt::FindDirectChildrenOnly);
                for (qsizetype i = 0; i < parts.size(); ++i) {
                    for (qsizetype j = i + 1; j < parts.size(); ++j) {
                        if (!parts[i]->isVisible() || !parts[j]->isVisible())
                            continue;
                        QVERIFY2(!parts[i]->geometry().intersects(parts[j]->geometry()),
                                 qPrintable(QStringLiteral("%1 overlaps %2 at %3x%4")
                                                .arg(parts[i]->accessibleName().isEmpty()
                                                         ? parts[i]->property("text").toString()
                                                         : parts[i]->accessibleName(),
                                                     parts[j]->accessibleName())
                                                .arg(size.width())
                                                .arg(size.height())));
                    }
                }
            }
        }
    }

    // Issue 17: choosing a screen as a screen reader does (AT-SPI selects the
    // list's item through the accessibility interface) selected the item
    // but left the page as it was.
    void choosingAScreenThroughAccessibilitySwitchesThePage()
    {
        auto *nav =
            test::byAccessibleName<QListWidget>(m_window.get(), QStringLiteral("Navigation"));
        QVERIFY(nav);
        QAccessibleInterface *list = QAccessible::queryAccessibleInterface(nav);
        QVERIFY(list && list->tableInterface());
        auto *stack = m_window->findChild<QStackedWidget *>();
        QVERIFY(stack);
        QVERIFY(list->tableInterface()->selectRow(2));
        QCOMPARE(stack->currentIndex(), 2);
        QVERIFY(list->tableInterface()->selectRow(4));
        QCOMPARE(stack->currentIndex(), 4);
        QCOMPARE(nav->currentRow(), 4);
    }

    // Issue 17: the navigation had no icons. Each screen has one, drawn in
    // the palette's text colour (so it reads on light and dark palettes).
    void everyScreenHasAnIconInThePalettesTextColour()
    {
        auto *nav =
            test::byAccessibleName<QListWidget>(m_window.get(), QStringLiteral("Navigation"));
        QVERIFY(nav && nav->count() >= 7);
        for (const bool dark : {false, true}) {
            QPalette palette = m_window->palette();
            const QColor text = dark ? QColor(230, 230, 230) : QColor(20, 20, 20);
            palette.setColor(QPalette::WindowText, text);
            palette.setColor(QPalette::Window, dark ? QColor(30, 30, 30) : QColor(245, 245, 245));
            m_window->setPalette(palette);
            QCoreApplication::processEvents();
            for (int row = 0; row < nav->count(); ++row) {
                const QIcon icon = nav->item(row)->icon();
                QVERIFY2(!icon.isNull(), qPrintable(nav->item(row)->text()));
                const QImage image = icon.pixmap(24, 24).toImage();
                int ink = 0;
                for (int y = 0; y < image.height(); ++y) {
                    for (int x = 0; x < image.width(); ++x) {
                        const QColor c = image.pixelColor(x, y);
                        if (c.alpha() == 255) {
                            ++ink;
                            QCOMPARE(c.rgb(), text.rgb());
                        }
                    }
                }
                QVERIFY2(ink > 10, qPrintable(nav->item(row)->text()));
            }
        }
    }

    // Issue 17: one icon set in the navigation, the buttons and the menus,
    // readable in light and dark palettes: the buttons' icons follow a
    // palette change in their text colour.
    void buttonIconsFollowThePalette()
    {
        RecordListPage *meals = showMeals();
        QList<QAbstractButton *> buttons;
        for (const QString &name :
             {QStringLiteral("New Meal"), QStringLiteral("Edit"), QStringLiteral("Delete")}) {
            auto *button = byAccessibleName<QAbstractButton>(meals, name);
            QVERIFY2(button, qPrintable(name));
            buttons << button;
        }
        for (const bool dark : {false, true}) {
            QPalette palette = m_window->palette();
            const QColor text = dark ? QColor(235, 235, 235) : QColor(15, 15, 15);
            palette.setColor(QPalette::ButtonText, text);
            palette.setColor(QPalette::Button, dark ? QColor(45, 45, 45) : QColor(240, 240, 240));
            m_window->setPalette(palette);
            QCoreApplication::processEvents();
            for (QAbstractButton *button : buttons) {
                const QImage image = button->icon().pixmap(24, 24).toImage();
                int ink = 0;
                for (int y = 0; y < image.height(); ++y) {
                    for (int x = 0; x < image.width(); ++x) {
                        if (image.pixelColor(x, y).alpha() == 255) {
                            ++ink;
                            QCOMPARE(image.pixelColor(x, y).rgb(), text.rgb());
                        }
                    }
                }
                QVERIFY2(ink > 10, qPrintable(button->accessibleName()));
            }
        }
    }

    // Keyboard use: on each screen an Alt+letter reaches one control only
    // (Settings had Alt+M for both "Metric" and a reminder, and Alt+D for
    // both "Delete account…" and another).
    void noTwoControlsOnAScreenShareAnAltLetter()
    {
        for (int page = 0; page < m_window->pageCount(); ++page) {
            m_window->showPage(page);
            const QStringList clashes = test::altLetterClashes(m_window->centralWidget());
            QVERIFY2(clashes.isEmpty(), qPrintable(m_window->pageKey(page) + QStringLiteral(": ") +
                                                   clashes.join(QStringLiteral("; "))));
        }
    }

    void everyInteractiveWidgetHasAnAccessibleName()
    {
        for (int page = 0; page < m_window->pageCount(); ++page) {
            m_window->showPage(page);
            QTest::qWait(20);
            for (QWidget *w : m_window->findChildren<QWidget *>()) {
                const bool interactive =
                    qobject_cast<QAbstractButton *>(w) || qobject_cast<QLineEdit *>(w) ||
                    qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractItemView *>(w) ||
                    qobject_cast<QDateTimeEdit *>(w);
                if (!interactive || !w->isVisibleTo(m_window.get()) || w->inherits("QTabBar") ||
                    w->inherits("QCalendarWidget") || w->inherits("QHeaderView") ||
                    w->parentWidget()->inherits("QAbstractSpinBox") ||
                    w->parentWidget()->inherits("QComboBox") || w->inherits("QToolButton"))
                    continue;
                QVERIFY2(!w->accessibleName().isEmpty(),
                         qPrintable(QStringLiteral("%1 on page %2 has no accessible name")
                                        .arg(QString::fromLatin1(w->metaObject()->className()))
                                        .arg(page)));
            }
        }
    }

    void everyEditorFieldHasAnAccessibleName()
    {
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            RecordEditorDialog dialog(m_store.get(), kind, UnitSystem::Metric, {});
            for (const FieldSpec &field : kind.fields) {
                QWidget *editor = dialog.findChild<QWidget *>(field.name);
                QVERIFY2(editor, qPrintable(kind.name + QLatin1Char('.') + field.name));
                QCOMPARE(editor->accessibleName(), field.displayLabel());
            }
            for (auto *button : dialog.findChildren<QAbstractButton *>())
                QVERIFY2(!button->accessibleName().isEmpty(), qPrintable(button->text()));
        }
    }

    // Issue 17: Ctrl+3, Ctrl+N opened New Meal with the focus in Time, and
    // Tab walked through the time's sections: typing a meal went into the
    // time, and nothing was saved.
    void aMealByKeyboardAloneStartsWhereOneTypesAndTabsFieldToField()
    {
        RecordListPage *page = showMeals();
        QString startedIn, tabbedTo;
        onNextDialog<RecordEditorDialog>([&](RecordEditorDialog *dialog) {
            startedIn = dialog->focusWidget() ? dialog->focusWidget()->objectName() : QString();
            QTest::keyClicks(dialog->focusWidget(), QStringLiteral("Porridge with berries"));
            QTest::keyClick(dialog->focusWidget(), Qt::Key_Tab);
            tabbedTo = dialog->focusWidget()->objectName();
            QTest::keyClicks(dialog->focusWidget(), QStringLiteral("320"));
            QTest::keyClick(dialog->focusWidget(), Qt::Key_Return);
            if (dialog->isVisible()) // not saved: fail below rather than hang here
                dialog->reject();
        });
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
        QCOMPARE(startedIn, QStringLiteral("description"));
        QCOMPARE(tabbedTo, QStringLiteral("calories"));
        QCOMPARE(page->model()->rowCount(), 1);
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT description, calories FROM meals")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("Porridge with berries"));
        QCOMPARE(q.value(1).toDouble(), 320.0);
    }

    // Issue 17: "Porridge wit…" in Description while Notes took the rest of
    // the width. Columns fit what they hold.
    void columnsAreWideEnoughForWhatTheyHold()
    {
        const QString description = QStringLiteral("Porridge with berries, oat milk and honey");
        QVERIFY(m_store
                    ->create(QStringLiteral("meal"),
                             {{QStringLiteral("eaten_at"), QDateTime::currentDateTimeUtc()},
                              {QStringLiteral("meal_type"), QStringLiteral("breakfast")},
                              {QStringLiteral("description"), description},
                              {QStringLiteral("calories"), 420},
                              {QStringLiteral("notes"), QStringLiteral("ok")}})
                    .ok());
        RecordListPage *page = showMeals();
        QTRY_COMPARE(page->model()->rowCount(), 1);
        QTest::qWait(100);
        const KindSpec &meal = page->model()->kind();
        const int column = meal.indexOf(QStringLiteral("description"));
        const QFontMetrics metrics = page->view()->fontMetrics();
        QVERIFY2(page->view()->columnWidth(column) >= metrics.horizontalAdvance(description),
                 qPrintable(QStringLiteral("description column %1 px for %2 px of text")
                                .arg(page->view()->columnWidth(column))
                                .arg(metrics.horizontalAdvance(description))));
    }

    void tabLeavesATimeFieldInOneStep()
    {
        for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
            RecordEditorDialog dialog(m_store.get(), kind, UnitSystem::Metric, {});
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QWidget *time = dialog.findChild<QWidget *>(kind.timeField);
            if (!time || !time->isEnabled())
                continue;
            time->setFocus();
            QCOMPARE(dialog.focusWidget(), time);
            QTest::keyClick(time, Qt::Key_Tab);
            QVERIFY2(dialog.focusWidget() != time && !time->isAncestorOf(dialog.focusWidget()),
                     qPrintable(kind.name));
        }
    }

    void addAMealAndSeeItInTheTableAndTheDatabase()
    {
        RecordListPage *page = showMeals();
        onNextDialog<RecordEditorDialog>([](RecordEditorDialog *dialog) {
            auto *description = byAccessibleName<QLineEdit>(dialog, QStringLiteral("Description"));
            QVERIFY(description);
            QTest::keyClicks(description, QStringLiteral("Porridge with berries"));
            auto *type = byAccessibleName<QComboBox>(dialog, QStringLiteral("Meal type"));
            type->setCurrentIndex(type->findData(QStringLiteral("breakfast")));
            QTest::keyClicks(byAccessibleName<QLineEdit>(dialog, QStringLiteral("Calories")),
                             QStringLiteral("420"));
            QTest::mouseClick(byAccessibleName<QPushButton>(dialog, QStringLiteral("Save")),
                              Qt::LeftButton);
        });
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);

        QCOMPARE(page->model()->rowCount(), 1);
        const int column = page->model()->kind().indexOf(QStringLiteral("description"));
        QCOMPARE(page->model()->index(0, column).data().toString(),
                 QStringLiteral("Porridge with berries"));
        QSqlQuery q(m_store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT description, calories, meal_type FROM meals")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("Porridge with berries"));
        QCOMPARE(q.value(1).toDouble(), 420.0);
        QCOMPARE(q.value(2).toString(), QStringLiteral("breakfast"));
        QCOMPARE(m_store->pendingChangeCount(), 1);
    }

    void aBadValueShowsItsMessageAndSavesNothing()
    {
        showMeals();
        QStringList shownErrors;
        QString calorieMessage;
        onNextDialog<RecordEditorDialog>([&](RecordEditorDialog *dialog) {
            // No description, and calories out of range.
            QTest::keyClicks(byAccessibleName<QLineEdit>(dialog, QStringLiteral("Calories")),
                             QStringLiteral("99999"));
            QTest::mouseClick(byAccessibleName<QPushButton>(dialog, QStringLiteral("Save")),
                              Qt::LeftButton);
            shownErrors = dialog->fieldsWithErrors();
            calorieMessage =
                byAccessibleName<QLabel>(dialog, QStringLiteral("Calories error"))->text();
            QVERIFY(dialog->isVisible()); // still open: nothing was accepted
            dialog->reject();
        });
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
        QCOMPARE(shownErrors,
                 (QStringList{QStringLiteral("description"), QStringLiteral("calories")}));
        QVERIFY2(calorieMessage.contains(QStringLiteral("between 0 and 10000")),
                 qPrintable(calorieMessage));
        QCOMPARE(m_store->count(QStringLiteral("meal")), 0);
        QCOMPARE(m_store->pendingChangeCount(), 0);
    }

    // Issue 18: a measure of the person's own. On an empty Measures screen,
    // Ctrl+N first defines one (name, unit, range), then logs a value for it
    // with its unit beside the field; a value outside the range is refused
    // with the range in the message; the table shows the unit and the
    // measure's chart plots the value.
    void aMeasureOfOnesOwnIsDefinedLoggedAndCharted()
    {
        const int page = pageIndex(QStringLiteral("measures"));
        QVERIFY(page > 0);
        m_window->showPage(page);
        QString unitShown;
        QString rangeMessage;
        QString placeholder;
        onNextDialog<RecordEditorDialog>([&](RecordEditorDialog *defining) {
            QCOMPARE(defining->windowTitle(), QStringLiteral("New Measure"));
            QTest::keyClicks(byAccessibleName<QLineEdit>(defining, QStringLiteral("Name")),
                             QStringLiteral("Peak flow"));
            QTest::keyClicks(byAccessibleName<QLineEdit>(defining, QStringLiteral("Unit")),
                             QStringLiteral("L/min"));
            QTest::keyClicks(byAccessibleName<QLineEdit>(defining, QStringLiteral("Lowest value")),
                             QStringLiteral("50"));
            QTest::keyClicks(byAccessibleName<QLineEdit>(defining, QStringLiteral("Highest value")),
                             QStringLiteral("900"));
            defining->accept();
            QVERIFY(!defining->isVisible());
            onNextDialog<RecordEditorDialog>([&](RecordEditorDialog *logging) {
                QCOMPARE(logging->windowTitle(), QStringLiteral("New Measurement"));
                QCOMPARE(
                    byAccessibleName<QComboBox>(logging, QStringLiteral("Measure"))->currentText(),
                    QStringLiteral("Peak flow"));
                auto *value = byAccessibleName<QLineEdit>(logging, QStringLiteral("Value"));
                placeholder = value->placeholderText();
                const auto labels = logging->findChildren<QLabel *>();
                for (QLabel *label : labels) {
                    if (label->buddy() == value)
                        unitShown += label->text();
                }
                QTest::keyClicks(value, QStringLiteral("1000"));
                QTest::mouseClick(byAccessibleName<QPushButton>(logging, QStringLiteral("Save")),
                                  Qt::LeftButton);
                rangeMessage =
                    byAccessibleName<QLabel>(logging, QStringLiteral("Value error"))->text();
                QVERIFY(logging->isVisible());
                value->clear();
                QTest::keyClicks(value, QStringLiteral("455"));
                logging->accept();
            });
        });
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_COMPARE(m_store->count(QStringLiteral("measurement")), 1);
        QCOMPARE(m_store->count(QStringLiteral("measure")), 1);
        QVERIFY2(unitShown.contains(QStringLiteral("L/min")), qPrintable(unitShown));
        QCOMPARE(placeholder, QStringLiteral("50 to 900"));
        QVERIFY2(rangeMessage.contains(QStringLiteral("between 50 and 900 L/min")),
                 qPrintable(rangeMessage));

        auto *measures = qobject_cast<MeasuresPage *>(m_window->listPage(u"measurement"_qs));
        QVERIFY(measures);
        const int column = measures->model()->kind().indexOf(QStringLiteral("value"));
        QCOMPARE(measures->model()->data(measures->model()->index(0, column)).toString(),
                 QStringLiteral("455 L/min"));
        QCOMPARE(measures->charts()->count(), 1);
        QCOMPARE(measures->charts()->tabText(0), QStringLiteral("Peak flow"));
        measures->charts()->refresh();
        QCOMPARE(measures->charts()->pointCount(0, 0), 1);

        // Today lists it among what was logged and as the measure's latest.
        m_window->showPage(0);
        const QString latest =
            byAccessibleName<QLabel>(m_window.get(), QStringLiteral("Latest metrics"))->text();
        QVERIFY2(latest.contains(QStringLiteral("<td>Peak flow</td><td><b>455 L/min</b>")),
                 qPrintable(latest));
        auto *logged =
            byAccessibleName<QListWidget>(m_window.get(), QStringLiteral("Logged today"));
        QVERIFY(logged && logged->count() == 1);
        QVERIFY2(logged->item(0)->text().endsWith(u"Peak flow: 455 L/min"_qs),
                 qPrintable(logged->item(0)->text()));

        // Renamed on another device (or here): the tab and the rows follow.
        const QString id = measures->definitions()->model()->idAt(0);
        QVERIFY(
            m_store->update(u"measure"_qs, id, {{u"name"_qs, u"Peak expiratory flow"_qs}}).ok());
        QCOMPARE(measures->charts()->tabText(0), QStringLiteral("Peak expiratory flow"));
        const int measureColumn = measures->model()->kind().indexOf(QStringLiteral("measure_id"));
        QCOMPARE(measures->model()->data(measures->model()->index(0, measureColumn)).toString(),
                 QStringLiteral("Peak expiratory flow"));
    }

    // Issue 18: the screens shown follow the person. Unticking one in
    // Settings takes it out of the navigation and the Go menu; a choice
    // synced from another device does the same.
    void hiddenScreensLeaveTheNavigation()
    {
        auto *nav =
            test::byAccessibleName<QListWidget>(m_window.get(), QStringLiteral("Navigation"));
        const int meals = pageIndex(QStringLiteral("meals"));
        const int journal = pageIndex(QStringLiteral("journal"));
        m_window->showPage(meals);
        m_window->showPage(m_window->pageCount() - 1);
        auto *showMealsBox =
            byAccessibleName<QCheckBox>(m_window.get(), QStringLiteral("Show Meals"));
        QVERIFY(showMealsBox && showMealsBox->isChecked());
        showMealsBox->click();
        QCOMPARE(preferences::load(*m_store).hiddenScreens, QStringList{u"meals"_qs});
        QVERIFY(nav->item(meals)->isHidden());
        QVERIFY(!nav->item(journal)->isHidden());
        QStringList goMenu;
        for (QAction *action : m_window->findChildren<QAction *>()) {
            if (action->isVisible())
                goMenu << action->text();
        }
        QVERIFY(!goMenu.contains(QStringLiteral("Meals")));
        QVERIFY(goMenu.contains(QStringLiteral("Journal")));

        // From another device: the journal goes too, and meals come back.
        preferences::Preferences elsewhere = preferences::load(*m_store);
        elsewhere.hiddenScreens = {u"journal"_qs};
        m_window->showPage(journal);
        QVERIFY(preferences::save(*m_store, elsewhere).ok());
        QVERIFY(!nav->item(meals)->isHidden());
        QVERIFY(nav->item(journal)->isHidden());
        QVERIFY(showMealsBox->isChecked());
        QVERIFY(!byAccessibleName<QCheckBox>(m_window.get(), QStringLiteral("Show Journal"))
                     ->isChecked());
        // The screen on show was the hidden one: Today takes its place.
        QCOMPARE(nav->currentRow(), 0);
    }

    void deleteThenUndoBringsTheEntryBack()
    {
        RecordListPage *page = showMeals();
        const WriteResult created = m_store->create(
            QStringLiteral("meal"), {{QStringLiteral("eaten_at"), QDateTime::currentDateTimeUtc()},
                                     {QStringLiteral("meal_type"), QStringLiteral("lunch")},
                                     {QStringLiteral("description"), QStringLiteral("Soup")}});
        QVERIFY(created.ok());
        QCOMPARE(page->model()->rowCount(), 1);
        page->view()->setFocus();
        page->view()->selectRow(0);
        QTest::keyClick(page->view(), Qt::Key_Delete);
        QCOMPARE(page->model()->rowCount(), 0);
        QVERIFY(m_store->record(QStringLiteral("meal"), created.id)->deleted);

        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(page->model()->rowCount(), 1);
        QCOMPARE(page->model()->idAt(0), created.id);
        QVERIFY(!m_store->record(QStringLiteral("meal"), created.id)->deleted);

        m_window->undoStack()->redo();
        QCOMPARE(page->model()->rowCount(), 0);
    }

    // Issue 17: Today at a glance, as cards a screen reader reads in turn:
    // the weight with its 30-day line and 7-day trend, what was eaten, the
    // doses; a taken dose's row reads "Taken" with its dose.
    void todayShowsCardsAtAGlance()
    {
        const QDate today = QDate::currentDate();
        for (int day = 0; day < 10; ++day) {
            QVERIFY(m_store
                        ->create(QStringLiteral("metric"),
                                 {{QStringLiteral("recorded_at"),
                                   QDateTime(today.addDays(-day), QTime(7, 0))},
                                  {QStringLiteral("weight"), 70.0 + day * 0.2}})
                        .ok());
        }
        for (const auto &[calories, protein] : {std::pair{300, 12}, std::pair{420, 30}}) {
            QVERIFY(m_store
                        ->create(QStringLiteral("meal"),
                                 {{QStringLiteral("eaten_at"), QDateTime(today, QTime(0, 30))},
                                  {QStringLiteral("meal_type"), QStringLiteral("snack")},
                                  {QStringLiteral("description"), QStringLiteral("Toast")},
                                  {QStringLiteral("calories"), calories},
                                  {QStringLiteral("protein"), protein}})
                        .ok());
        }
        QVERIFY(m_store
                    ->create(QStringLiteral("medication"),
                             {{QStringLiteral("name"), QStringLiteral("Metformin")},
                              {QStringLiteral("dose"), 500},
                              {QStringLiteral("unit"), QStringLiteral("mg")},
                              {QStringLiteral("schedule"),
                               QStringList{QStringLiteral("08:00"), QStringLiteral("20:00")}},
                              {QStringLiteral("start_date"), today.addDays(-3)}})
                    .ok());
        const auto doses = medication::dosesOn(*m_store, today);
        QVERIFY(medication::logDose(*m_store, doses.first(), QStringLiteral("taken")).ok());
        m_window->showPage(1);
        m_window->showPage(0);

        // The texts of a card, in the order a screen reader reads them.
        auto cardTexts = [this](const QString &card) {
            QStringList texts;
            QAccessibleInterface *frame = test::accessibleByName(m_window.get(), card);
            for (int i = 0; frame && i < frame->childCount(); ++i)
                texts << frame->child(i)->text(QAccessible::Name);
            return texts;
        };
        QTRY_COMPARE(cardTexts(QStringLiteral("Weight")).value(1), QStringLiteral("70 kg"));
        QVERIFY2(cardTexts(QStringLiteral("Weight"))
                     .value(2)
                     .startsWith(QStringLiteral("7-day average 70.6 kg, down 1 kg in a week.")),
                 qPrintable(cardTexts(QStringLiteral("Weight")).join(u'|')));
        QAccessibleInterface *line =
            test::accessibleByName(m_window.get(), QStringLiteral("Weight, last 30 days"));
        QVERIFY(line);
        QCOMPARE(line->text(QAccessible::Description),
                 QStringLiteral("Weight over the last 30 days, from 71.8 kg to 70 kg."));
        QCOMPARE(cardTexts(QStringLiteral("Eaten today")).value(1), QStringLiteral("720 kcal"));
        QVERIFY2(cardTexts(QStringLiteral("Eaten today"))
                     .value(2)
                     .startsWith(QStringLiteral("2 meals: Protein 42 g")),
                 qPrintable(cardTexts(QStringLiteral("Eaten today")).join(u'|')));
        QCOMPARE(cardTexts(QStringLiteral("Doses today")).value(1), QStringLiteral("1 of 2 taken"));
        QCOMPARE(cardTexts(QStringLiteral("Doses today")).value(2),
                 QStringLiteral("Next: 20:00 Metformin, 500 mg."));
        QTRY_VERIFY(test::accessibleByName(m_window.get(),
                                           QStringLiteral("08:00  Metformin, 500 mg: Taken")));
        // Without sync there is no sync card.
        QVERIFY(!test::accessibleByName(m_window.get(), QStringLiteral("Sync")));
    }

    // Issue 18: blood pressure, glucose with its context, a night's sleep and
    // steps show on Today and each has its chart.
    void theNewMeasuresShowOnTodayAndInTheirCharts()
    {
        const QDateTime morning = QDateTime(QDate::currentDate(), QTime(7, 30)).toUTC();
        QVERIFY(m_store
                    ->create(QStringLiteral("metric"),
                             {{QStringLiteral("recorded_at"), morning},
                              {QStringLiteral("systolic"), 121},
                              {QStringLiteral("diastolic"), 79},
                              {QStringLiteral("glucose"), 5.4},
                              {QStringLiteral("glucose_context"), QStringLiteral("fasting")},
                              {QStringLiteral("bedtime"), morning.addSecs(-8 * 3600)},
                              {QStringLiteral("wake_time"), morning.addSecs(-1800)},
                              {QStringLiteral("steps"), 4321}})
                    .ok());
        m_window->showPage(1);
        m_window->showPage(0);
        auto *latest = byAccessibleName<QLabel>(m_window.get(), QStringLiteral("Latest metrics"));
        QVERIFY(latest);
        QTRY_VERIFY(latest->text().contains(QStringLiteral("121/79 mmHg")));
        for (const QString &shown : {QStringLiteral("5.4 mmol/L (fasting)"),
                                     QStringLiteral("7.5 h"), QStringLiteral("4,321")})
            QVERIFY2(latest->text().contains(shown), qPrintable(latest->text()));

        auto *charts = m_window->metricCharts();
        QStringList tabs;
        for (int tab = 0; tab < charts->count(); ++tab)
            tabs << charts->tabText(tab);
        for (const QString &tab : {QStringLiteral("Blood pressure"), QStringLiteral("Glucose"),
                                   QStringLiteral("Sleep"), QStringLiteral("Steps")}) {
            const int index = int(tabs.indexOf(tab));
            QVERIFY2(index >= 0, qPrintable(tabs.join(u',')));
            charts->setCurrentIndex(index);
            QTRY_COMPARE(charts->pointCount(index, 0), 1);
        }
    }

    // Issue 18: goals set from Today's card, shown with their progress and as
    // target lines on the charts; undone like any edit.
    void goalsAreSetFromTodayAndShownWithTheirProgress()
    {
        const QDate today = QDate::currentDate();
        for (int day = 0; day < 14; ++day) {
            QVERIFY(m_store
                        ->create(QStringLiteral("metric"),
                                 {{QStringLiteral("recorded_at"),
                                   QDateTime(today.addDays(day - 13), QTime(7, 0))},
                                  {QStringLiteral("weight"), 80.0 - 0.1 * day}})
                        .ok());
        }
        QVERIFY(m_store
                    ->create(QStringLiteral("meal"),
                             {{QStringLiteral("eaten_at"), QDateTime(today, QTime(0, 30))},
                              {QStringLiteral("meal_type"), QStringLiteral("snack")},
                              {QStringLiteral("description"), QStringLiteral("Toast")},
                              {QStringLiteral("calories"), 450}})
                    .ok());
        m_window->showPage(0);
        auto cardTexts = [this] {
            QStringList texts;
            QAccessibleInterface *frame =
                test::accessibleByName(m_window.get(), QStringLiteral("Goals"));
            for (int i = 0; frame && i < frame->childCount(); ++i)
                texts << frame->child(i)->text(QAccessible::Name);
            return texts.join(u'|');
        };
        QTRY_VERIFY2(cardTexts().contains(QStringLiteral("None yet")), qPrintable(cardTexts()));

        onNextDialog<RecordEditorDialog>([](RecordEditorDialog *dialog) {
            byAccessibleName<QLineEdit>(dialog, QStringLiteral("Target weight"))->setText(u"75"_qs);
            byAccessibleName<QLineEdit>(dialog, QStringLiteral("Calories a day"))
                ->setText(u"2000"_qs);
            dialog->accept();
        });
        QAccessibleInterface *edit = test::accessibleByName(
            m_window.get(), QStringLiteral("Edit goals"), QAccessible::Button);
        QVERIFY(test::doAccessibleAction(edit, QAccessibleActionInterface::pressAction()));
        // 78.7 kg today, losing 0.1 kg a day: 3.7 kg and 37 days to go.
        QTRY_VERIFY2(cardTexts().contains(QStringLiteral("3.7 kg to go")), qPrintable(cardTexts()));
        QVERIFY2(cardTexts().contains(
                     QStringLiteral("On track for %1.")
                         .arg(QLocale().toString(today.addDays(37), QLocale::LongFormat))),
                 qPrintable(cardTexts()));
        QVERIFY2(cardTexts().contains(QStringLiteral("Calories 450 of 2,000 kcal today.")),
                 qPrintable(cardTexts()));

        // The weight chart draws the target.
        m_window->showPage(1);
        m_window->metricCharts()->setCurrentIndex(0);
        m_window->metricCharts()->refresh();
        QStringList names;
        for (QAbstractSeries *series : m_window->metricCharts()->chart(0)->series())
            names << series->name();
        QVERIFY2(names.contains(QStringLiteral("Target weight")), qPrintable(names.join(u',')));

        // Undone like any edit.
        m_window->undoStack()->undo();
        QVERIFY(!goals::current(*m_store));
    }

    // Issue 17: deleted entries are kept as tombstones; Recently deleted
    // lists the last 30 days' and restores one, as a screen reader user
    // would reach it: the navigation, the list and the button through the
    // accessibility tree.
    void aDeletedEntryIsRestoredFromRecentlyDeleted()
    {
        RecordListPage *meals = showMeals();
        const WriteResult porridge = m_store->create(
            QStringLiteral("meal"), {{QStringLiteral("eaten_at"), QDateTime::currentDateTimeUtc()},
                                     {QStringLiteral("meal_type"), QStringLiteral("breakfast")},
                                     {QStringLiteral("description"), QStringLiteral("Porridge")}});
        const WriteResult old =
            m_store->create(QStringLiteral("metric"),
                            {{QStringLiteral("recorded_at"), QDateTime::currentDateTimeUtc()},
                             {QStringLiteral("weight"), 70.5}});
        QVERIFY(porridge.ok() && old.ok());
        meals->view()->setFocus();
        meals->view()->selectRow(0);
        QTest::keyClick(meals->view(), Qt::Key_Delete);
        QVERIFY(m_store->remove(QStringLiteral("metric"), old.id).ok());
        // Deleted 31 days ago: past the view's 30 days.
        QSqlQuery aged(m_store->database());
        QVERIFY(
            aged.exec(QStringLiteral("UPDATE metrics SET updated_at = '%1' WHERE id = '%2'")
                          .arg(schema::formatDateTime(QDateTime::currentDateTimeUtc().addDays(-31)),
                               old.id)));
        m_store->acknowledgeAll(m_store->pendingChanges());

        auto *nav = byAccessibleName<QListWidget>(m_window.get(), QStringLiteral("Navigation"));
        QAccessibleInterface *navigation = QAccessible::queryAccessibleInterface(nav);
        int row = -1;
        for (int i = 0; i < nav->count(); ++i) {
            if (navigation->tableInterface()->cellAt(i, 0)->text(QAccessible::Name) ==
                QLatin1String("Recently deleted"))
                row = i;
        }
        QVERIFY(row > 0);
        QVERIFY(navigation->tableInterface()->selectRow(row));
        QAccessibleInterface *list = nullptr;
        QTRY_VERIFY(
            (list = test::accessibleByName(m_window.get(), QStringLiteral("Deleted entries"))));
        QAccessibleTableInterface *table = list->tableInterface();
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 1);
        QVERIFY2(table->cellAt(0, 2)->text(QAccessible::Name).contains(QStringLiteral("Porridge")),
                 qPrintable(table->cellAt(0, 2)->text(QAccessible::Name)));
        QCOMPARE(table->cellAt(0, 1)->text(QAccessible::Name), QStringLiteral("Meal"));
        QVERIFY(table->selectRow(0));

        QAccessibleInterface *restore = test::accessibleByName(
            m_window.get(), QStringLiteral("Restore the selected entries"), QAccessible::Button);
        QVERIFY(restore && !restore->state().disabled);
        QVERIFY(test::doAccessibleAction(restore, QAccessibleActionInterface::pressAction()));
        QTRY_VERIFY(!m_store->record(QStringLiteral("meal"), porridge.id)->deleted);
        QCOMPARE(meals->model()->rowCount(), 1);
        // It syncs like any edit: the restore waits to be pushed.
        QCOMPARE(m_store->pendingChangeCount(), 1);
        QTRY_COMPARE(table->cellAt(0, 2)->text(QAccessible::Name),
                     QStringLiteral("Nothing deleted."));

        // And it is undone like any edit.
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(m_store->record(QStringLiteral("meal"), porridge.id)->deleted);
    }

    // Issue 17: with one entry a chart showed nothing; an empty one read
    // "1 Jan 70"; the value axis repeated labels ("413, 413, 412") and the
    // date axis repeated a date. Right with 0, 1 and 2 points.
    void chartsAreRightWithZeroOneAndTwoPoints()
    {
        RecordListPage *page = showMeals();
        auto *charts = page->findChild<TrendCharts *>();
        QVERIFY(charts);
        const auto labelsOf = [](QAbstractAxis *axis) {
            QStringList labels;
            if (auto *values = qobject_cast<QValueAxis *>(axis)) {
                const double step = (values->max() - values->min()) / (values->tickCount() - 1);
                for (int i = 0; i < values->tickCount(); ++i) {
                    labels << QString::asprintf(values->labelFormat().toLatin1().constData(),
                                                values->min() + i * step);
                }
            } else if (auto *dates = qobject_cast<QDateTimeAxis *>(axis)) {
                const qint64 from = dates->min().toMSecsSinceEpoch();
                const qint64 step =
                    (dates->max().toMSecsSinceEpoch() - from) / (dates->tickCount() - 1);
                for (int i = 0; i < dates->tickCount(); ++i) {
                    labels << QDateTime::fromMSecsSinceEpoch(from + i * step)
                                  .toString(dates->format());
                }
            }
            return labels;
        };
        const auto check = [&](int points) {
            charts->refresh();
            QChart *chart = charts->chart(0);
            int shown = 0;
            for (QAbstractAxis *axis : chart->axes()) {
                if (points > 0 && !axis->isVisible())
                    continue; // an axis with nothing on it (no protein logged)
                if (points == 0) {
                    QVERIFY2(!axis->isVisible(), "an empty chart shows no axes (no 1 Jan 70)");
                    continue;
                }
                ++shown;
                const QStringList labels = labelsOf(axis);
                QVERIFY(!labels.isEmpty());
                QCOMPARE(QSet<QString>(labels.cbegin(), labels.cend()).size(), labels.size());
            }
            if (points == 0) {
                QVERIFY(!chart->title().isEmpty());
                return;
            }
            QVERIFY2(shown >= 2, "the dates and the calories are shown");
            const auto *calories = static_cast<QXYSeries *>(chart->series().first());
            QCOMPARE(int(calories->count()), points);
            QVERIFY2(calories->pointsVisible() || qobject_cast<const QScatterSeries *>(calories),
                     "a single day's value must show");
        };
        check(0);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (int day = 0; day < 2; ++day) {
            QVERIFY(m_store
                        ->create(QStringLiteral("meal"),
                                 {{QStringLiteral("eaten_at"), now.addDays(-day)},
                                  {QStringLiteral("meal_type"), QStringLiteral("lunch")},
                                  {QStringLiteral("description"), QStringLiteral("Soup")},
                                  {QStringLiteral("calories"), 413 - day}})
                        .ok());
            check(day + 1);
        }
    }

    // Issue 17: Exercises and Journal had no chart.
    void exercisesAndTheJournalHaveCharts()
    {
        const QDate today = QDate::currentDate();
        for (int day = 0; day < 2; ++day) {
            QVERIFY(m_store
                        ->create(QStringLiteral("journal"),
                                 {{QStringLiteral("entry_date"), today.addDays(-day)},
                                  {QStringLiteral("mood"), 3 + day},
                                  {QStringLiteral("text"), QStringLiteral("A day.")}})
                        .ok());
            QVERIFY(m_store
                        ->create(QStringLiteral("exercise"),
                                 {{QStringLiteral("performed_at"),
                                   QDateTime::currentDateTimeUtc().addDays(-day)},
                                  {QStringLiteral("activity"), QStringLiteral("Running")},
                                  {QStringLiteral("duration"), 30 + day}})
                        .ok());
        }
        for (const QString &kind : {QStringLiteral("journal"), QStringLiteral("exercise")}) {
            RecordListPage *page = m_window->listPage(kind);
            QVERIFY(page);
            auto *charts = page->findChild<TrendCharts *>();
            QVERIFY2(charts, qPrintable(kind));
            charts->refresh();
            QCOMPARE(charts->pointCount(0, 0), 2); // the days, then their 7-day average
        }
        // Minutes per week by activity: a stacked bar per week, a colour per
        // activity.
        QVERIFY(m_store
                    ->create(QStringLiteral("exercise"),
                             {{QStringLiteral("performed_at"), QDateTime::currentDateTimeUtc()},
                              {QStringLiteral("activity"), QStringLiteral("Yoga")},
                              {QStringLiteral("duration"), 45}})
                    .ok());
        auto *charts = m_window->listPage(QStringLiteral("exercise"))->findChild<TrendCharts *>();
        QCOMPARE(charts->count(), 2);
        QCOMPARE(charts->tabText(1), QStringLiteral("Minutes per week by activity"));
        charts->setCurrentIndex(1);
        QTRY_COMPARE(charts->chart(1)->series().size(), 1);
        auto *bars = qobject_cast<QStackedBarSeries *>(charts->chart(1)->series().first());
        QVERIFY(bars);
        QStringList activities;
        double minutes = 0;
        for (QBarSet *set : bars->barSets()) {
            activities << set->label();
            for (int week = 0; week < set->count(); ++week)
                minutes += set->at(week);
        }
        QCOMPARE(activities, (QStringList{QStringLiteral("Running"), QStringLiteral("Yoga")}));
        QCOMPARE(minutes, 30.0 + 31.0 + 45.0);
    }

    void metricChartsPlotOnePointPerDayWithAMovingAverage()
    {
        const QDate today = QDate::currentDate();
        for (int i = 0; i < 10; ++i) {
            for (int reading = 0; reading < 2; ++reading) {
                QVERIFY(m_store
                            ->create(QStringLiteral("metric"),
                                     {{QStringLiteral("recorded_at"),
                                       QDateTime(today.addDays(-i), QTime(8 + reading, 0)).toUTC()},
                                      {QStringLiteral("weight"), 70.0 + i}})
                            .ok());
            }
        }
        m_window->showPage(1);
        TrendCharts *charts = m_window->metricCharts();
        charts->setCurrentIndex(0);
        charts->refresh();
        QCOMPARE(charts->pointCount(0, 0), 10); // daily weights
        QCOMPARE(charts->pointCount(0, 1), 10); // 7-day average
        QCOMPARE(charts->pointCount(1, 0), -1); // not drawn until shown
        charts->setCurrentIndex(1);
        QCOMPARE(charts->pointCount(1, 0), 0); // no sleep logged
    }

    // Issue 18: units follow the person. Chosen in Settings they are kept in
    // the synced preferences; chosen on another device (arriving as a write
    // to the store, as a pull does), every screen and Settings follow.
    void unitsFollowThePersonAcrossDevices()
    {
        RecordListPage *page = m_window->listPage(QStringLiteral("metric"));
        const int column = page->model()->kind().indexOf(QStringLiteral("weight"));
        QCOMPARE(page->model()->headerData(column, Qt::Horizontal).toString(),
                 QStringLiteral("Weight (kg)"));
        m_window->showPage(m_window->pageCount() - 1);
        auto *imperial =
            byAccessibleName<QRadioButton>(m_window.get(), QStringLiteral("Imperial units"));
        QVERIFY(imperial && !imperial->isChecked());
        imperial->click();
        QVERIFY(preferences::load(*m_store).unitsChosen);
        QCOMPARE(preferences::load(*m_store).units, UnitSystem::Imperial);
        QCOMPARE(page->model()->headerData(column, Qt::Horizontal).toString(),
                 QStringLiteral("Weight (lb)"));

        preferences::Preferences elsewhere = preferences::load(*m_store);
        elsewhere.units = UnitSystem::Metric;
        QVERIFY(preferences::save(*m_store, elsewhere).ok());
        QVERIFY(!imperial->isChecked());
        QCOMPARE(page->model()->headerData(column, Qt::Horizontal).toString(),
                 QStringLiteral("Weight (kg)"));
    }

    // Issue 18: blood glucose is shown in the unit chosen for it, whatever
    // the units of weight; the choice is made in Settings by its accessible
    // name and follows the person.
    void glucoseHasAUnitOfItsOwn()
    {
        RecordListPage *page = m_window->listPage(QStringLiteral("metric"));
        const int glucose = page->model()->kind().indexOf(QStringLiteral("glucose"));
        const int weight = page->model()->kind().indexOf(QStringLiteral("weight"));
        QCOMPARE(page->model()->headerData(glucose, Qt::Horizontal).toString(),
                 QStringLiteral("Blood glucose (mmol/L)"));
        m_window->showPage(m_window->pageCount() - 1);
        QAccessibleInterface *mgdl = test::accessibleByName(
            m_window.get(), QStringLiteral("Blood glucose in mg/dL"), QAccessible::RadioButton);
        QVERIFY(mgdl);
        QVERIFY(test::doAccessibleAction(mgdl, QAccessibleActionInterface::toggleAction()));
        QTRY_COMPARE(page->model()->headerData(glucose, Qt::Horizontal).toString(),
                     QStringLiteral("Blood glucose (mg/dL)"));
        QCOMPARE(page->model()->headerData(weight, Qt::Horizontal).toString(),
                 QStringLiteral("Weight (kg)"));
        QVERIFY(preferences::load(*m_store).glucoseUnitChosen);
        QVERIFY(!preferences::load(*m_store).unitsChosen);
    }

    // Issue 18: the window's layout is this device's: its size is kept for
    // the next start (and not synced).
    void theWindowComesBackAtTheSizeItWasClosedAt()
    {
        m_window->resize(900, 640);
        QTRY_COMPARE(m_window->size(), QSize(900, 640));
        m_window->close();
        MainWindow next(m_store.get(), m_dir.path());
        QCOMPARE(next.size(), QSize(900, 640));
        QSettings().remove(QStringLiteral("window/geometry"));
        MainWindow fresh(m_store.get(), m_dir.path());
        QCOMPARE(fresh.size(), QSize(1200, 780));
        QCOMPARE(m_store->count(preferences::kKind), 0);
    }

    void imperialUnitsAreShownButMetricIsStored()
    {
        m_window->showPage(1);
        RecordListPage *page = m_window->listPage(QStringLiteral("metric"));
        page->setUnitSystem(UnitSystem::Imperial);
        onNextDialog<RecordEditorDialog>([](RecordEditorDialog *dialog) {
            QTest::keyClicks(byAccessibleName<QLineEdit>(dialog, QStringLiteral("Weight")),
                             QStringLiteral("154.32"));
            QTest::mouseClick(byAccessibleName<QPushButton>(dialog, QStringLiteral("Save")),
                              Qt::LeftButton);
        });
        page->newEntry();
        const QList<Record> all = m_store->records(QStringLiteral("metric"));
        QCOMPARE(all.size(), 1);
        QVERIFY(qAbs(all.first().value(QStringLiteral("weight")).toDouble() - 70.0) < 0.01);
        const int column = page->model()->kind().indexOf(QStringLiteral("weight"));
        QCOMPARE(page->model()->headerData(column, Qt::Horizontal).toString(),
                 QStringLiteral("Weight (lb)"));
    }
};

QTEST_MAIN(TestRecordScreens)
#include "test_record_screens.moc"
