#pragma once

#include "sync/client/sync_worker.h"

#include <QGroupBox>
#include <QHash>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace hale {

class SyncController;

// Settings → Sync: the opt-in switch (off until the person signs in), the
// server, sign up / sign in / sign out, deleting the account, end-to-end
// encryption, and which kinds of entries sync. Turning sync or a kind off keeps every local entry
// and offers to erase the server's copy.
class SyncSettings : public QGroupBox
{
    Q_OBJECT

public:
    SyncSettings(SyncController *sync, QWidget *parent = nullptr);

    QCheckBox *enabledSwitch() const { return m_enabled; }
    QCheckBox *kindSwitch(const QString &group) const { return m_kinds.value(group); }
    QLabel *feedback() const { return m_feedback; }
    QLabel *progress() const { return m_progress; }
    QPushButton *syncNowButton() const { return m_syncNow; }

public slots:
    void setStatus(const hale::sync::SyncStatus &status);
    void focusSignIn();

private:
    void authenticate(bool signUp);
    void toggleEnabled(bool on);
    void kindToggled(const QString &group, bool on);
    void deleteAccount();
    void actionFinished(const QString &action, bool ok, const QString &message);
    bool confirm(const QString &title, const QString &text);
    void showFeedback(const QString &text);
    // End-to-end encryption (encryption_dialogs.h asks for the passphrases).
    void askPassphraseAndSignIn();
    void switchOnEndToEnd();
    void unlock();
    void changePassphrase();
    void showRecoveryKey();

    SyncController *m_sync;
    QCheckBox *m_enabled;
    QLineEdit *m_server;
    QLineEdit *m_email;
    QLineEdit *m_password;
    QPushButton *m_signUp;
    QPushButton *m_signIn;
    QPushButton *m_signOut;
    QPushButton *m_delete;
    QPushButton *m_syncNow;
    QLabel *m_account;
    QLabel *m_progress; // last sync, changes waiting
    QLabel *m_feedback;
    QCheckBox *m_endToEnd;
    QLabel *m_encryption;
    QPushButton *m_encrypt;
    QPushButton *m_unlock;
    QPushButton *m_changePassphrase;
    QPushButton *m_showRecoveryKey;
    // The sign-in under way (server, email, password), for an encrypted
    // account's second try with its passphrase; and whether it asked for one.
    struct Pending
    {
        QString server, email, password;
    } m_pending;
    bool m_askPassphrase = false;
    QHash<QString, QCheckBox *> m_kinds; // group name -> switch
    bool m_signedIn = false;
};

} // namespace hale
