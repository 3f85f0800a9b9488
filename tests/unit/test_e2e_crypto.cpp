#include "sync/client/e2e_crypto.h"
#include "sync/core/protocol.h"
#include "sync/core/wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace hale::sync::e2e;

// The device's keys and seals for end-to-end encrypted sync: a data key
// wrapped by a passphrase and by a recovery key, and values sealed to their
// place so that a server can neither read nor move them.
class TestE2eCrypto : public QObject
{
    Q_OBJECT

private:
    const Place m_place{QStringLiteral("3f2b0c1e-8d4a-4c59-9f0e-1a2b3c4d5e6f"),
                        QStringLiteral("metric"),
                        QStringLiteral("01a23e59-c405-7638-91f0-2c15816867ed"),
                        QStringLiteral("weight"),
                        {},
                        QStringLiteral("1790000000000-000000-0b8e7a52"),
                        {}};

private slots:
    void initTestCase() { QVERIFY(available()); }

    void aPassphraseUnwrapsTheDataKeyAndAWrongOneDoesNot()
    {
        const SecretKey dataKey = SecretKey::random();
        const KdfParams kdf = KdfParams::fresh(true);
        const auto kek = deriveKey(QStringLiteral("correct horse battery staple"), kdf);
        QVERIFY(kek);
        // What the server keeps, through its JSON form.
        const auto stored = WrappedKey::fromJson(
            QJsonDocument::fromJson(QJsonDocument(wrap(dataKey, *kek, kdf).toJson()).toJson())
                .object());
        QVERIFY(stored);
        QCOMPARE(stored->kdf.salt, kdf.salt);
        const auto again = deriveKey(QStringLiteral("correct horse battery staple"), stored->kdf);
        QVERIFY(again && *again == *kek);
        const auto unwrapped = unwrap(*stored, *again);
        QVERIFY(unwrapped && *unwrapped == dataKey);

        const auto wrong = deriveKey(QStringLiteral("correct horse battery stapler"), stored->kdf);
        QVERIFY(wrong && !(*wrong == *kek));
        QVERIFY(!unwrap(*stored, *wrong));
        // An altered wrapped key opens with nothing.
        WrappedKey altered = *stored;
        altered.sealed[3] = char(altered.sealed.at(3) ^ 1);
        QVERIFY(!unwrap(altered, *again));
    }

    // What the device sends is what the server's shape check takes.
    void wrappedKeysHaveTheShapeTheServerKeeps()
    {
        const SecretKey dataKey = SecretKey::random();
        const KdfParams kdf = KdfParams::fresh();
        const QJsonObject keys{
            {QStringLiteral("passphrase"), wrap(dataKey, SecretKey::random(), kdf).toJson()},
            {QStringLiteral("recovery"), wrap(dataKey, SecretKey::random()).toJson()}};
        QCOMPARE(hale::sync::checkAccountKeys(keys), QString());
        QVERIFY(
            !hale::sync::checkAccountKeys(
                 QJsonObject{{QStringLiteral("passphrase"), keys.value(QStringLiteral("recovery"))},
                             {QStringLiteral("recovery"), keys.value(QStringLiteral("recovery"))}})
                 .isEmpty());
    }

    void argonCostsOutsideLibsodiumsBoundsAreRefused()
    {
        KdfParams kdf = KdfParams::fresh(true);
        kdf.memLimit = 1; // a server handing out a trivial cost
        QVERIFY(!deriveKey(QStringLiteral("x"), kdf));
        kdf = KdfParams::fresh(true);
        kdf.salt.chop(1);
        QVERIFY(!deriveKey(QStringLiteral("x"), kdf));
        QVERIFY(!WrappedKey::fromJson(QJsonObject{{QStringLiteral("v"), 2}}));
    }

    void theRecoveryKeyReadsBackAsWrittenAndForgivesTypos()
    {
        const SecretKey dataKey = SecretKey::random();
        const SecretKey recovery = SecretKey::random();
        const QString text = recoveryText(recovery);
        QCOMPARE(text.size(), 52 + 12); // 13 groups of 4
        QVERIFY(!text.contains(QLatin1Char('0')) && !text.contains(QLatin1Char('1')));
        QString typed = text.toLower();
        typed.replace(QLatin1Char('-'), QLatin1Char(' '));
        typed.replace(QLatin1Char('o'), QLatin1Char('0'));
        const auto read = fromRecoveryText(typed);
        QVERIFY(read && *read == recovery);
        const auto unwrapped = unwrap(wrap(dataKey, *read), recovery);
        QVERIFY(unwrapped && *unwrapped == dataKey);
        QVERIFY(!fromRecoveryText(text.left(20)));
        QVERIFY(!fromRecoveryText(text + QStringLiteral("!")));
    }

    void aSealedValueOpensOnlyInItsPlace()
    {
        const ValueCipher cipher(SecretKey::random());
        const QJsonValue sealed = cipher.seal(m_place, 72.5);
        QVERIFY(hale::sync::isSealedValue(sealed));
        QVERIFY(!QJsonDocument(sealed.toObject()).toJson().contains("72.5"));
        QCOMPARE(cipher.open(m_place, sealed).value_or(QJsonValue()), QJsonValue(72.5));
        // Null and text too: any JSON value.
        for (const QJsonValue &value :
             {QJsonValue(), QJsonValue(QStringLiteral("Felt dizzy after lunch."))})
            QCOMPARE(cipher.open(m_place, cipher.seal(m_place, value)).value_or(QJsonValue(-1)),
                     value);
        // Moved to another user, kind, record, field, element, stamp or base
        // (the write it replaced): refused.
        for (int part = 0; part < 7; ++part) {
            Place moved = m_place;
            QString *parts[] = {&moved.userId,  &moved.kind,  &moved.recordId, &moved.field,
                                &moved.element, &moved.stamp, &moved.base};
            *parts[part] += QLatin1Char('x');
            QVERIFY2(!cipher.open(moved, sealed), qPrintable(QString::number(part)));
        }
        // Sealed again in the same place (a retried push): the same bytes,
        // so the server sees the same write; another value or stamp differs.
        QCOMPARE(cipher.seal(m_place, 72.5), sealed);
        QVERIFY(cipher.seal(m_place, 72.6) != sealed);
        Place later = m_place;
        later.stamp += QLatin1Char('1');
        QVERIFY(cipher.seal(later, 72.5) != sealed);
        // Altered: refused.
        QString text = sealed.toObject().value(QStringLiteral("e")).toString();
        text[10] = text.at(10) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        QVERIFY(!cipher.open(m_place, QJsonObject{{QStringLiteral("e"), text}}));
        // Another account's key: refused.
        QVERIFY(!ValueCipher(SecretKey::random()).open(m_place, sealed));
        // Not a sealed value at all.
        QVERIFY(!cipher.open(m_place, 72.5));
        QVERIFY(!cipher.open(m_place, QJsonObject{{QStringLiteral("e"), QStringLiteral("!!")}}));
    }

    // The length of a sealed value says nothing of a short value: the
    // choices of a field, true and false, and numbers of a few digits seal
    // to the same length (padded to 16-byte blocks), and open as they were.
    void shortValuesSealToOneLength()
    {
        const ValueCipher cipher(SecretKey::random());
        QSet<qsizetype> lengths;
        for (const QJsonValue &value :
             {QJsonValue(QStringLiteral("taken")), QJsonValue(QStringLiteral("skipped")),
              QJsonValue(QStringLiteral("missed")), QJsonValue(true), QJsonValue(false),
              QJsonValue(9), QJsonValue(10), QJsonValue(72.5), QJsonValue(),
              QJsonValue(QStringLiteral("2026-11-20"))}) {
            const QJsonValue sealed = cipher.seal(m_place, value);
            lengths.insert(sealed.toObject().value(QStringLiteral("e")).toString().size());
            QCOMPARE(cipher.open(m_place, sealed).value_or(QJsonValue(-1)), value);
        }
        QCOMPARE(lengths.size(), 1);
        // Text whose JSON fills a block exactly (12 letters, 16 bytes with
        // its quotes and brackets) takes a second block, and opens as it was.
        const QString twelve(12, u'x');
        QCOMPARE(cipher.open(m_place, cipher.seal(m_place, twelve)).value_or(QJsonValue()),
                 QJsonValue(twelve));
    }

    // Two devices of an account name a set element alike, without the name
    // showing; another field or account names it otherwise.
    void elementKeysMeetAcrossDevicesAndHideTheName()
    {
        const SecretKey dataKey = SecretKey::random();
        const ValueCipher laptop(dataKey);
        const ValueCipher desktop(*SecretKey::fromBytes(dataKey.bytes()));
        const QString key = laptop.elementKey(QStringLiteral("medication"),
                                              QStringLiteral("side_effects"), u"nausea"_qs);
        QCOMPARE(desktop.elementKey(QStringLiteral("medication"), QStringLiteral("side_effects"),
                                    u"nausea"_qs),
                 key);
        QVERIFY(!key.contains(QStringLiteral("nausea")));
        QVERIFY(key != laptop.elementKey(QStringLiteral("medication"),
                                         QStringLiteral("side_effects"), u"Nausea"_qs));
        QVERIFY(key != laptop.elementKey(QStringLiteral("metric"),
                                         QStringLiteral("body_measurements"), u"nausea"_qs));
        QVERIFY(key != ValueCipher(SecretKey::random())
                           .elementKey(QStringLiteral("medication"), QStringLiteral("side_effects"),
                                       u"nausea"_qs));
        // The name travels sealed with the element's value.
        Place place = m_place;
        place.element = key;
        const QJsonValue sealed = laptop.seal(place, QJsonArray{u"nausea"_qs, true});
        QCOMPARE(desktop.open(place, sealed).value_or(QJsonValue()),
                 QJsonValue(QJsonArray{u"nausea"_qs, true}));
    }
};

QTEST_GUILESS_MAIN(TestE2eCrypto)
#include "test_e2e_crypto.moc"
