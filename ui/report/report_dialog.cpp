#include "ui/report/report_dialog.h"

#include "ui/file_dialogs.h"
#include "ui/report/report_renderer.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPageLayout>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QVBoxLayout>

namespace hale {

ReportDialog::ReportDialog(const LocalStore *store, UnitSystem units, const QString &folder,
                           QWidget *parent)
    : QDialog(parent), m_store(store), m_units(units), m_folder(folder)
{
    setWindowTitle(tr("Report for your doctor"));
    setAccessibleName(windowTitle());
    const QDate today = QDate::currentDate();
    m_from = new QDateEdit(today.addDays(-89), this);
    m_to = new QDateEdit(today, this);
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setMaximumDate(today);
    }
    m_from->setAccessibleName(tr("From"));
    m_to->setAccessibleName(tr("To"));
    m_journal = new QCheckBox(tr("Include my &journal's notes"), this);
    m_journal->setAccessibleName(tr("Include journal notes"));
    auto *about = new QLabel(tr("Weight and blood pressure with their averages, blood glucose if "
                                "you track it, and how each medication was taken, with the doses "
                                "missed. Printed in black and white, it reads the same."),
                             this);
    about->setWordWrap(true);
    m_outcome = new QLabel(this);
    m_outcome->setWordWrap(true);
    m_outcome->setAccessibleName(tr("Report result"));
    m_outcome->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&From:"), m_from);
    form->addRow(tr("&To:"), m_to);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *save = buttons->addButton(tr("&Save as PDF…"), QDialogButtonBox::ActionRole);
    QPushButton *print = buttons->addButton(tr("&Print…"), QDialogButtonBox::ActionRole);
    save->setDefault(true);
    connect(save, &QPushButton::clicked, this, &ReportDialog::savePdf);
    connect(print, &QPushButton::clicked, this, &ReportDialog::print);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // The range stays a range.
    connect(m_from, &QDateEdit::dateChanged, m_to, &QDateEdit::setMinimumDate);
    m_to->setMinimumDate(m_from->date());

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(about);
    layout->addLayout(form);
    layout->addWidget(m_journal);
    layout->addWidget(m_outcome);
    layout->addWidget(buttons);
}

report::Options ReportDialog::options() const
{
    return {m_from->date(), m_to->date(), m_journal->isChecked()};
}

QString ReportDialog::outcome() const
{
    return m_outcome->text();
}

void ReportDialog::savePdf()
{
    const report::Options chosen = options();
    const QString path = files::saveFileName(
        this, tr("Save report"),
        m_folder + QStringLiteral("/hale-report-%1-to-%2.pdf")
                       .arg(chosen.from.toString(Qt::ISODate), chosen.to.toString(Qt::ISODate)),
        tr("PDF files (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    const bool written = report::writePdf(report::gather(*m_store, chosen), path, m_units, &error);
    m_outcome->setText(written ? tr("Saved to %1.").arg(path) : error);
    m_outcome->show();
}

void ReportDialog::print()
{
    QPrinter printer;
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                      QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
    QPrintDialog dialog(&printer, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const int pages = report::paint(report::gather(*m_store, options()), printer, m_units);
    m_outcome->setText(pages > 0 ? tr("Sent %n pages to the printer.", nullptr, pages)
                                 : tr("The printer could not be used."));
    m_outcome->show();
}

} // namespace hale
