#include "ui/sync_settings.h"

#include "sync/core/schema.h"
#include "ui/encryption_dialogs.h"
#include "ui/palette_icons.h"
#include "ui/sync_controller.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace hale {

namespace {

// The switches people see, and the kinds each one covers (doses go with
// their medications).
const QList<std::pair<const char *, QStringList>> &kindGroups()
{
    static const QList<std::pair<const char *, QStringList>> groups{
        {QT_TRANSLATE_NOOP("hale::SyncSettings", "Metrics"), {QStringLiteral("metric")}},
        {QT_TRANSLATE_NOOP("hale::SyncSettings", "Meals"), {QStringLiteral("meal")}},
        {QT_TRANSLATE_NOOP("hale::SyncSettings", "Exercises"), {QStringLiteral("exercise")}},
        {QT_TRANSLATE_NOOP("hale::SyncSettings", "Medications and doses"),
         {QStringLiteral("medication"), QStringLiteral("dose")}},
        {QT_TRANSLATE_NOOP("hale::SyncSettings", "Journal"), {QStringLiteral("journal")}},
        {QT_TRANSLATE_NOOP("hale::SyncSettings", "Your measures"),
         {QStringLiteral("measure"), QStringLiteral("measurement")}},
        {QT_TRANSLATE_NOOP("hale::SyncSettings", "Goals"), {QStringLiteral("goal")}},
        {QT_TRANSLATE_NOOP("hale::SyncSettings", "Preferences"), {QStringLiteral("preference")}},
    };
    return groups;
}

} // namespace

SyncSettings::SyncSettings(SyncController *sync, QWidget *parent)
    : QGroupBox(tr("Sync"), parent), m_sync(sync)
{
    setAccessibleName(tr("Sync"));
    m_enabled = new QCheckBox(tr("&Sync my data across my devices"), this);
    m_enabled->setAccessibleName(tr("Sync my data across my devices"));
    auto *note = new QLabel(tr("Off by default. When on, your entries are copied to the Hale "
                               "server below and to your other devices signed in to it."),
                            this);
    note->setWordWrap(true);
    // HALE_SYNC_SERVER suggests a server until one is chosen (./run sets it
    // to the local server it starts).
    m_server = new QLineEdit(sync->serverUrl().isEmpty() ? qEnvironmentVariable("HALE_SYNC_SERVER")
                                                         : sync->serverUrl(),
                             this);
    m_server->setPlaceholderText(QStringLiteral("https://sync.example.org"));
    m_server->setAccessibleName(tr("Server address"));
    m_email = new QLineEdit(sync->status().account, this);
    m_email->setAccessibleName(tr("Email"));
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setAccessibleName(tr("Password"));
    m_password->setPlaceholderText(tr("at least 8 characters"));
    m_endToEnd = new QCheckBox(tr("En&crypt my data end to end"), this);
    m_endToEnd->setToolTip(tr("For a new account: your entries are encrypted on your devices "
                              "with a passphrase only you know, and the server cannot read "
                              "them. Forget the passphrase and lose the recovery key, and "
                              "nobody can open them."));
    auto *form = new QFormLayout;
    form->addRow(tr("Se&rver:"), m_server);
    form->addRow(tr("&Email:"), m_email);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(QString(), m_endToEnd);

    m_signUp = new QPushButton(tr("Create &account"), this);
    m_signIn = new QPushButton(tr("Sign &in"), this);
    m_signOut = new QPushButton(tr("Sign &out"), this);
    m_delete = new QPushButton(tr("&Delete account…"), this);
    m_delete->setToolTip(tr("Erases your account and everything stored on the server. Entries "
                            "on this computer stay."));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_signUp);
    buttons->addWidget(m_signIn);
    buttons->addWidget(m_signOut);
    buttons->addStretch(1);
    buttons->addWidget(m_delete);
    m_account = new QLabel(this);
    m_account->setAccessibleName(tr("Sync account"));
    m_progress = new QLabel(this);
    m_progress->setAccessibleName(tr("Sync progress"));
    m_syncNow = new QPushButton(tr("Sync &now"), this);
    setPaletteIcon(m_syncNow, QStringLiteral("sync"));
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_syncNow);
    // The signed-in account's end-to-end encryption.
    m_encryption = new QLabel(this);
    m_encryption->setWordWrap(true);
    m_encryption->setAccessibleName(tr("End-to-end encryption"));
    m_encrypt = new QPushButton(tr("Encr&ypt End to End…"), this);
    m_unlock = new QPushButton(tr("Enter Passp&hrase…"), this);
    m_changePassphrase = new QPushButton(tr("Chan&ge Passphrase…"), this);
    m_showRecoveryKey = new QPushButton(tr("Show Recovery &Key…"), this);
    auto *encryptionRow = new QHBoxLayout;
    encryptionRow->addWidget(m_encryption, 1);
    for (QPushButton *button : {m_encrypt, m_unlock, m_changePassphrase, m_showRecoveryKey})
        encryptionRow->addWidget(button);
    m_feedback = new QLabel(this);
    m_feedback->setWordWrap(true);
    m_feedback->hide(); // until there is something to say
    m_feedback->setAccessibleName(tr("Sync account message"));

    auto *kindsRow = new QHBoxLayout;
    kindsRow->addWidget(new QLabel(tr("Sync these:"), this));
    const QStringList synced = sync->syncedKinds();
    for (const auto &[label, kinds] : kindGroups()) {
        auto *box = new QCheckBox(tr(label), this);
        box->setChecked(synced.contains(kinds.first()));
        m_kinds.insert(QLatin1String(label), box);
        kindsRow->addWidget(box);
        connect(box, &QCheckBox::toggled, this,
                [this, group = QLatin1String(label)](bool on) { kindToggled(group, on); });
    }
    kindsRow->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_enabled);
    layout->addWidget(note);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_account);
    layout->addLayout(encryptionRow);
    layout->addLayout(progressRow);
    layout->addWidget(m_feedback);
    layout->addLayout(kindsRow);

    connect(m_enabled, &QCheckBox::clicked, this, &SyncSettings::toggleEnabled);
    connect(m_signUp, &QPushButton::clicked, this, [this] { authenticate(true); });
    connect(m_signIn, &QPushButton::clicked, this, [this] { authenticate(false); });
    connect(m_password, &QLineEdit::returnPressed, this, [this] { authenticate(false); });
    connect(m_signOut, &QPushButton::clicked, m_sync, &SyncController::signOut);
    connect(m_syncNow, &QPushButton::clicked, m_sync, &SyncController::syncNow);
    connect(m_delete, &QPushButton::clicked, this, &SyncSettings::deleteAccount);
    connect(m_sync, &SyncController::statusChanged, this, &SyncSettings::setStatus);
    connect(m_sync, &SyncController::accountActionFinished, this, &SyncSettings::actionFinished);
    connect(m_encrypt, &QPushButton::clicked, this, &SyncSettings::switchOnEndToEnd);
    connect(m_unlock, &QPushButton::clicked, this, &SyncSettings::unlock);
    connect(m_changePassphrase, &QPushButton::clicked, this, &SyncSettings::changePassphrase);
    connect(m_showRecoveryKey, &QPushButton::clicked, this, &SyncSettings::showRecoveryKey);
    connect(m_sync, &SyncController::passphraseRequired, this, [this] { m_askPassphrase = true; });
    connect(m_sync, &SyncController::recoveryKey, this, [this](const QString &key) {
        RecoveryKeyDialog dialog(key, m_email->text().trimmed(), this);
        dialog.exec();
    });
    setStatus(sync->status());
}

void SyncSettings::setStatus(const sync::SyncStatus &status)
{
    m_signedIn = !status.account.isEmpty();
    m_enabled->setChecked(status.state != sync::SyncState::Off);
    // Turning sync on needs an account; signing in turns it on.
    m_enabled->setEnabled(m_signedIn);
    m_signOut->setEnabled(m_signedIn);
    m_delete->setEnabled(m_signedIn);
    // While a session stands, the account it is of is not edited here:
    // signing in elsewhere starts with signing out.
    const bool session = m_signedIn && status.state != sync::SyncState::SignInNeeded;
    m_server->setReadOnly(session);
    m_email->setReadOnly(session);
    m_password->setEnabled(!session);
    m_signUp->setEnabled(!session);
    m_signIn->setEnabled(!session);
    m_endToEnd->setVisible(!session);
    m_encryption->setVisible(session);
    m_encrypt->setVisible(session && !status.endToEnd);
    m_unlock->setVisible(session && status.passphraseNeeded);
    const bool unlocked = session && status.endToEnd && !status.passphraseNeeded;
    m_changePassphrase->setVisible(unlocked);
    m_showRecoveryKey->setVisible(unlocked);
    if (status.passphraseNeeded)
        m_encryption->setText(tr("End-to-end encrypted: enter the passphrase to sync on this "
                                 "computer."));
    else if (status.endToEnd)
        m_encryption->setText(tr("End-to-end encrypted: the server cannot read your entries."));
    else
        m_encryption->setText(tr("Not end-to-end encrypted: the server can read your entries."));
    if (!m_signedIn)
        m_account->setText(tr("Not signed in."));
    else if (status.state == sync::SyncState::SignInNeeded)
        m_account->setText(tr("The session of %1 has ended: sign in again.").arg(status.account));
    else
        m_account->setText(tr("Signed in as %1 on %2.").arg(status.account, status.serverHost));
    if (m_signedIn && m_email->text().isEmpty())
        m_email->setText(status.account);
    const bool on = session && status.state != sync::SyncState::Off;
    m_syncNow->setEnabled(on && status.state != sync::SyncState::Syncing);
    m_progress->setVisible(on);
    m_syncNow->setVisible(on);
    const QString last =
        status.lastSynced.isValid()
            ? tr("Last synced %1.")
                  .arg(QLocale().toString(status.lastSynced.toLocalTime(), QLocale::ShortFormat))
            : tr("Not synced yet.");
    m_progress->setText(last + QLatin1Char(' ') +
                        (status.pending > 0
                             ? tr("%n change(s) waiting.", "not yet synced", status.pending)
                             : tr("Nothing waiting.")));
}

void SyncSettings::focusSignIn()
{
    (m_server->text().isEmpty() ? m_server : m_password)->setFocus(Qt::OtherFocusReason);
}

void SyncSettings::authenticate(bool signUp)
{
    const QString server = m_server->text().trimmed();
    const QString email = m_email->text().trimmed();
    const QString password = m_password->text();
    QString problem;
    if (server.isEmpty())
        problem = tr("Enter the address of your Hale server.");
    else if (!email.contains(QLatin1Char('@')))
        problem = tr("Enter your email address.");
    else if (password.size() < 8)
        problem = tr("The password needs at least 8 characters.");
    if (!problem.isEmpty()) {
        m_feedback->setText(problem);
        return;
    }
    QString passphrase;
    if (signUp && m_endToEnd->isChecked()) {
        PassphraseDialog choose(
            PassphraseDialog::Mode::Choose, tr("Choose a Passphrase"),
            tr("Your entries will be encrypted on your devices with this passphrase before they "
               "leave them. Nobody can reset it: you will get a recovery key to keep safe."),
            this);
        if (choose.exec() != QDialog::Accepted)
            return;
        passphrase = choose.chosen();
    }
    m_feedback->setText(signUp ? tr("Creating the account…") : tr("Signing in…"));
    m_password->clear(); // not kept in this field
    // Kept only until signing in ends: an encrypted account asks for its
    // passphrase, and signs in again with both.
    m_pending = {server, email, password};
    m_askPassphrase = false;
    if (signUp)
        m_sync->signUp(server, email, password, passphrase);
    else
        m_sync->signIn(server, email, password);
}

void SyncSettings::askPassphraseAndSignIn()
{
    PassphraseDialog enter(PassphraseDialog::Mode::Enter, tr("End-to-End Encrypted Account"),
                           tr("This account's entries are end-to-end encrypted. Enter its "
                              "passphrase, or its recovery key, to open them on this computer."),
                           this);
    const auto [server, email, password] = std::exchange(m_pending, {});
    if (enter.exec() != QDialog::Accepted)
        return;
    m_feedback->setText(tr("Signing in…"));
    m_feedback->show();
    m_sync->signIn(server, email, password, enter.current());
}

void SyncSettings::switchOnEndToEnd()
{
    PassphraseDialog choose(
        PassphraseDialog::Mode::Choose, tr("Encrypt End to End"),
        tr("Your entries will be encrypted on this computer before they leave it, and the "
           "server's copy replaced by an encrypted one. Your other devices will ask for the "
           "passphrase. Nobody can reset it: you will get a recovery key to keep safe."),
        this);
    if (choose.exec() != QDialog::Accepted)
        return;
    showFeedback(tr("Encrypting… this takes a moment."));
    m_sync->switchOnEndToEnd(choose.chosen());
}

void SyncSettings::unlock()
{
    PassphraseDialog enter(PassphraseDialog::Mode::Enter, tr("Enter Passphrase"),
                           tr("This account was encrypted end to end on another device. Enter "
                              "its passphrase, or its recovery key, to sync here."),
                           this);
    if (enter.exec() == QDialog::Accepted)
        m_sync->unlock(enter.current());
}

void SyncSettings::changePassphrase()
{
    PassphraseDialog change(PassphraseDialog::Mode::Change, tr("Change Passphrase"),
                            tr("Your devices signed in stay signed in; a new device will need "
                               "the new passphrase. The recovery key stays the same."),
                            this);
    if (change.exec() == QDialog::Accepted)
        m_sync->changePassphrase(change.current(), change.chosen());
}

void SyncSettings::showRecoveryKey()
{
    PassphraseDialog enter(PassphraseDialog::Mode::Enter, tr("Show Recovery Key"),
                           tr("Enter the passphrase to see the recovery key."), this);
    if (enter.exec() == QDialog::Accepted)
        m_sync->showRecoveryKey(enter.current());
}

void SyncSettings::showFeedback(const QString &text)
{
    m_feedback->setText(text);
    m_feedback->setVisible(!text.isEmpty());
}

bool SyncSettings::confirm(const QString &title, const QString &text)
{
    return QMessageBox::question(this, title, text) == QMessageBox::Yes;
}

void SyncSettings::toggleEnabled(bool on)
{
    m_sync->setEnabled(on);
    if (on)
        return;
    if (confirm(tr("Sync off"),
                tr("Sync is off; every entry stays on this computer. Also erase the copy kept on "
                   "the server?"))) {
        QStringList all;
        for (const KindSpec &kind : SchemaRegistry::instance().kinds())
            all << kind.name;
        m_sync->eraseFromServer(all);
    }
}

void SyncSettings::kindToggled(const QString &group, bool on)
{
    QStringList kinds;
    QStringList turnedOff;
    for (const auto &[label, groupKinds] : kindGroups()) {
        if (m_kinds.value(QLatin1String(label))->isChecked())
            kinds += groupKinds;
        else if (QLatin1String(label) == group)
            turnedOff = groupKinds;
    }
    m_sync->setKinds(kinds);
    if (on || !m_signedIn)
        return;
    if (confirm(tr("Stop syncing %1").arg(tr(group.toUtf8().constData())),
                tr("%1 stay on this computer and no longer sync. Also erase them from the "
                   "server?")
                    .arg(tr(group.toUtf8().constData())))) {
        m_sync->eraseFromServer(turnedOff);
    }
}

void SyncSettings::deleteAccount()
{
    if (confirm(tr("Delete account"),
                tr("Erase your sync account and everything stored on the server? Entries on "
                   "this computer stay. Your other devices will be signed out.")))
        m_sync->deleteAccount();
}

void SyncSettings::actionFinished(const QString &action, bool ok, const QString &message)
{
    if (action == QLatin1String("devices"))
        return; // the devices page shows its own
    QString text;
    if (action == QLatin1String("signin") && !ok && std::exchange(m_askPassphrase, false)) {
        showFeedback({});
        return askPassphraseAndSignIn();
    }
    if (action == QLatin1String("signup") || action == QLatin1String("signin")) {
        m_pending = {};
        // Success shows in the account line above; only a failure is news.
        text = ok ? QString() : tr("Not signed in: %1").arg(message);
    } else if (action == QLatin1String("signout"))
        text = ok ? tr("Signed out. Your entries stay on this computer.") : message;
    else if (action == QLatin1String("delete-account"))
        text = ok ? tr("The account and its server copy are erased.") : message;
    else if (action == QLatin1String("erase"))
        text = ok ? message : tr("Not erased: %1").arg(message);
    else if (action == QLatin1String("encrypt"))
        text = ok ? tr("Encrypted end to end: your entries are going up again, sealed.")
                  : tr("Not encrypted: %1").arg(message);
    else if (action == QLatin1String("passphrase") || action == QLatin1String("unlock"))
        text = ok ? message : tr("Passphrase: %1").arg(message);
    else if (!ok)
        text = message;
    if (!text.isEmpty() || action == QLatin1String("signup") || action == QLatin1String("signin"))
        showFeedback(text);
}

} // namespace hale
