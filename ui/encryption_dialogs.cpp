#include "ui/encryption_dialogs.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
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

RecoveryKeyDialog::RecoveryKeyDialog(const QString &key, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Recovery Key"));
    auto *intro = new QLabel(
        tr("Write this recovery key down, or print it, and keep it apart from this computer. "
           "With it, or with your passphrase, a new device opens your data. Without both, "
           "nobody can: not the server, not Hale."),
        this);
    intro->setWordWrap(true);
    auto *field = new QLineEdit(key, this);
    field->setReadOnly(true);
    field->setAccessibleName(tr("Recovery key"));
    field->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    field->setMinimumWidth(field->fontMetrics().horizontalAdvance(key) + 24);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [key] { QGuiApplication::clipboard()->setText(key); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(field);
    layout->addWidget(buttons);
}

} // namespace hale
