#include "ui/encryption_dialogs.h"

#include "models/owner_only.h"
#include "ui/file_dialogs.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace hale {

namespace {

QLineEdit *secretField(const QString &name, QWidget *parent)
{
    auto *field = new QLineEdit(parent);
    field->setEchoMode(QLineEdit::Password);
    field->setAccessibleName(name);
    return field;
}

} // namespace

PassphraseDialog::PassphraseDialog(Mode mode, const QString &title, const QString &text,
                                   QWidget *parent)
    : QDialog(parent), m_mode(mode)
{
    setWindowTitle(title);
    auto *intro = new QLabel(text, this);
    intro->setWordWrap(true);
    auto *form = new QFormLayout;
    if (mode != Mode::Choose) {
        m_current = secretField(mode == Mode::Enter ? tr("Passphrase or recovery key")
                                                    : tr("Current passphrase"),
                                this);
        form->addRow(mode == Mode::Enter ? tr("&Passphrase or recovery key:")
                                         : tr("&Current passphrase:"),
                     m_current);
        connect(m_current, &QLineEdit::textChanged, this, &PassphraseDialog::check);
    }
    if (mode != Mode::Enter) {
        m_new = secretField(tr("New passphrase"), this);
        m_new->setPlaceholderText(tr("at least %1 characters").arg(kMinimumLength));
        m_repeat = secretField(tr("New passphrase again"), this);
        form->addRow(tr("&New passphrase:"), m_new);
        form->addRow(tr("&Again:"), m_repeat);
        connect(m_new, &QLineEdit::textChanged, this, &PassphraseDialog::check);
        connect(m_repeat, &QLineEdit::textChanged, this, &PassphraseDialog::check);
    }
    m_problem = new QLabel(this);
    m_problem->setAccessibleName(tr("Passphrase problem"));
    m_problem->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    check();
}

QString PassphraseDialog::current() const
{
    return m_current ? m_current->text() : QString();
}

QString PassphraseDialog::chosen() const
{
    return m_new ? m_new->text() : QString();
}

void PassphraseDialog::check()
{
    QString problem;
    if (m_current && m_current->text().isEmpty())
        problem = m_mode == Mode::Enter ? tr("Enter the passphrase or the recovery key.")
                                        : tr("Enter the current passphrase.");
    else if (m_new && m_new->text().size() < kMinimumLength)
        problem = tr("A passphrase needs at least %1 characters: a few words are easy to "
                     "remember and hard to guess.")
                      .arg(kMinimumLength);
    else if (m_repeat && m_repeat->text() != m_new->text())
        problem = tr("The two passphrases differ.");
    m_problem->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

RecoveryKeyDialog::RecoveryKeyDialog(const QString &key, const QString &account, QWidget *parent)
    : QDialog(parent), m_key(key), m_account(account)
{
    setWindowTitle(tr("Recovery Key"));
    auto *intro = new QLabel(
        tr("Write this recovery key down, save or print it, and keep it apart from this "
           "computer. With it, or with your passphrase, a new device opens your data. Without "
           "both, nobody can: not the server, not Hale."),
        this);
    intro->setWordWrap(true);
    auto *field = new QLineEdit(key, this);
    field->setReadOnly(true);
    field->setAccessibleName(tr("Recovery key"));
    field->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    field->setMinimumWidth(field->fontMetrics().horizontalAdvance(key) + 24);
    m_outcome = new QLabel(this);
    m_outcome->setAccessibleName(tr("Recovery key saved"));
    m_outcome->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    QPushButton *save = buttons->addButton(tr("&Save…"), QDialogButtonBox::ActionRole);
    QPushButton *print = buttons->addButton(tr("&Print…"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [key] { QGuiApplication::clipboard()->setText(key); });
    connect(save, &QPushButton::clicked, this, &RecoveryKeyDialog::save);
    connect(print, &QPushButton::clicked, this, &RecoveryKeyDialog::print);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(field);
    layout->addWidget(m_outcome);
    layout->addWidget(buttons);
}

QString RecoveryKeyDialog::sheet() const
{
    return tr("Hale recovery key for %1\n\n%2\n\nWith this key, or the passphrase, a new device "
              "opens this account's end-to-end encrypted data. Keep it apart from your "
              "computers.\n")
        .arg(m_account, m_key);
}

void RecoveryKeyDialog::save()
{
    const QString path = files::saveFileName(
        this, tr("Save Recovery Key"),
        QDir::home().filePath(QStringLiteral("hale-recovery-key.txt")), tr("Text (*.txt)"));
    if (path.isEmpty())
        return;
    // Owner only from the first byte, as the backups are.
    QSaveFile file(path);
    const QByteArray text = sheet().toUtf8();
    const bool saved = file.open(QIODevice::WriteOnly) && owner_only::restrictOpenFile(file) &&
                       file.write(text) == text.size() && file.commit();
    m_outcome->setText(saved ? tr("Saved to %1.").arg(QDir::toNativeSeparators(path))
                             : tr("Not saved: %1").arg(file.errorString()));
    m_outcome->show();
}

void RecoveryKeyDialog::print()
{
    QPrinter printer;
    QPrintDialog dialog(&printer, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QPainter painter;
    if (!painter.begin(&printer)) {
        m_outcome->setText(tr("The printer could not be used."));
        m_outcome->show();
        return;
    }
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSize(12);
    painter.setFont(font);
    painter.drawText(painter.viewport().adjusted(40, 40, -40, -40), Qt::TextWordWrap, sheet());
    painter.end();
}

} // namespace hale
