#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QDialogButtonBox;

namespace hale {

// Asks for an end-to-end encrypted account's passphrase: the one it has
// (or its recovery key), a new one typed twice, or both to change it.
class PassphraseDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Mode {
        Enter,  // the passphrase or the recovery key
        Choose, // a new passphrase, twice
        Change, // the current one, then a new one twice
    };
    static constexpr int kMinimumLength = 10;

    PassphraseDialog(Mode mode, const QString &title, const QString &text,
                     QWidget *parent = nullptr);

    QString current() const;
    QString chosen() const;

private:
    void check();

    Mode m_mode;
    QLineEdit *m_current = nullptr;
    QLineEdit *m_new = nullptr;
    QLineEdit *m_repeat = nullptr;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

// The recovery key, to write down, copy, save or print: the way into the
// account's data if the passphrase is forgotten.
class RecoveryKeyDialog : public QDialog
{
    Q_OBJECT

public:
    RecoveryKeyDialog(const QString &key, const QString &account, QWidget *parent = nullptr);

private:
    // The key with what it is for, as saved or printed.
    QString sheet() const;
    void save();
    void print();

    QString m_key;
    QString m_account;
    QLabel *m_outcome;
};

} // namespace hale
